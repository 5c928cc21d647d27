package dev.peregrine.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Resident memory of this process from Linux's {@code /proc/self/status}. RSS includes native memory (ONNX
 * Runtime arenas, OpenCV buffers), which the JVM's own memory figures miss.
 *
 *
 * <p>{@link #anonResidentBytes()} ({@code RssAnon}) is the figure benchmarks compare: file-backed pages (shared
 * libraries, mapped files) are left out because the kernel drops and re-reads them under memory pressure.
 */
public final class ProcessMemory {
    private static final Path SELF = Path.of("/proc/self/status");

    private ProcessMemory() {
    }

    /** RSS in bytes, or empty off Linux or when the file cannot be read. */
    public static OptionalLong residentBytes() {
        try {
            return parseVmRss(Files.readString(SELF, StandardCharsets.US_ASCII));
        } catch (IOException | SecurityException e) {
            return OptionalLong.empty();
        }
    }

    /** {@code RssAnon} in bytes; empty off Linux or on kernels without it (before 4.5). */
    public static OptionalLong anonResidentBytes() {
        try {
            return parseField(Files.readString(SELF, StandardCharsets.US_ASCII), "RssAnon:");
        } catch (IOException | SecurityException e) {
            return OptionalLong.empty();
        }
    }

    /** The {@code VmRSS:} value of a {@code /proc/<pid>/status} text in bytes, or empty when absent. */
    public static OptionalLong parseVmRss(String status) {
        return parseField(status, "VmRSS:");
    }

    /** A {@code kB} field (e.g. {@code RssAnon:}) of a {@code /proc/<pid>/status} text in bytes, or empty. */
    public static OptionalLong parseField(String status, String field) {
        for (String line : status.split("\n")) {
            if (line.startsWith(field)) {
                String[] parts = line.substring(field.length()).trim().split("\\s+");
                try {
                    long v = Long.parseLong(parts[0]);
                    return OptionalLong.of(parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? v * 1024 : v);
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }
}
