package dev.peregrine.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Resident set size of this process from Linux's {@code /proc/self/status}. RSS includes native memory (ONNX
 * Runtime arenas, OpenCV buffers), which the JVM's own memory figures miss.
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

    /** The {@code VmRSS:} value of a {@code /proc/<pid>/status} text in bytes, or empty when absent. */
    public static OptionalLong parseVmRss(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring(6).trim().split("\\s+");
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
