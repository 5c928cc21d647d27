package dev.peregrine.bench.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Facts about the machine and the libraries for a report: CPU model, load averages, library versions. */
public final class SystemInfo {
    private SystemInfo() {
    }

    /** The CPU's model name from {@code /proc/cpuinfo}, else {@code os.arch}. */
    public static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | SecurityException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }

    /** The 1, 5 and 15 minute load averages from {@code /proc/loadavg}; empty when unknown. */
    public static List<Double> loadAverages() {
        try {
            return parseLoadAverages(Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII));
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }

    /** The first three numbers of a {@code /proc/loadavg} text; empty when malformed. */
    public static List<Double> parseLoadAverages(String text) {
        String[] parts = text.trim().split("\\s+");
        List<Double> out = new ArrayList<>(3);
        try {
            for (int i = 0; i < 3 && i < parts.length; i++) {
                out.add(Double.parseDouble(parts[i]));
            }
        } catch (NumberFormatException e) {
            return List.of();
        }
        return out.size() == 3 ? out : List.of();
    }

    /** Versions of Java, ONNX Runtime and OpenCV (those that can be read). */
    public static Map<String, String> versions() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("peregrine", "0.1.0");
        v.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        v.put("onnxruntime", packageVersion(ai.onnxruntime.OrtEnvironment.class, "1.23.2 (managed)"));
        try {
            v.put("opencv", org.bytedeco.opencv.global.opencv_core.CV_VERSION);
        } catch (LinkageError e) {
            v.put("opencv", "unavailable: " + e.getMessage());
        }
        return v;
    }

    private static String packageVersion(Class<?> c, String fallback) {
        Package p = c.getPackage();
        String version = p == null ? null : p.getImplementationVersion();
        return version == null ? fallback : version;
    }
}
