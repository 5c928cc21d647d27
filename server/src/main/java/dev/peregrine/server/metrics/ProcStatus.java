package dev.peregrine.server.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Reads the resident set size from Linux's {@code /proc/self/status}. The JVM's own memory metrics miss native
 * memory (ONNX Runtime arenas, OpenCV Mats, TensorRT), which is most of a model server's footprint; RSS shows it.
 */
final class ProcStatus {
    /** The status file of the running process. */
    static final Path SELF = Path.of("/proc/self/status");

    private ProcStatus() {
    }

    /**
     * The {@code VmRSS} line of {@code statusFile} in bytes, or empty when the file is absent or unreadable
     * (not Linux, restricted container) or has no such line.
     */
    static OptionalLong residentBytes(Path statusFile) {
        String text;
        try {
            text = Files.readString(statusFile, StandardCharsets.US_ASCII);
        } catch (IOException | SecurityException e) {
            return OptionalLong.empty();
        }
        for (String line : text.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                // "VmRSS:     123456 kB" (the kernel always reports kB)
                String[] parts = line.substring(6).trim().split("\\s+");
                try {
                    long value = Long.parseLong(parts[0]);
                    return OptionalLong.of(parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? value * 1024 : value);
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }
}
