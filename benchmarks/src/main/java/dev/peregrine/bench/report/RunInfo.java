package dev.peregrine.bench.report;

import java.util.List;
import java.util.Map;

/**
 * Where and how a benchmark ran, so that its figures can be judged and reproduced.
 *
 * @param command     the command line as typed (or reconstructed)
 * @param started     ISO-8601 start time
 * @param model       the model given
 * @param device      {@code cpu} or {@code cuda:N}
 * @param cpu         CPU model name
 * @param cores       processors available to the JVM
 * @param loadBefore  1/5/15-minute load averages before the run (empty when unknown)
 * @param loadAfter   the same after the run
 * @param versions    versions of Java, ONNX Runtime, OpenCV, DJL...
 * @param settings    the effective settings (duration, warm-up, batches, image count...)
 */
public record RunInfo(String command, String started, String model, String device, String cpu, int cores,
        List<Double> loadBefore, List<Double> loadAfter, Map<String, String> versions, Map<String, String> settings) {

    public RunInfo {
        loadBefore = List.copyOf(loadBefore);
        loadAfter = List.copyOf(loadAfter);
        versions = Map.copyOf(versions);
        settings = Map.copyOf(settings);
    }
}
