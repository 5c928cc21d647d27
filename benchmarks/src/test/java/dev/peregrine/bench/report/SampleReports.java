package dev.peregrine.bench.report;

import dev.peregrine.bench.LatencyStats;
import java.util.List;
import java.util.Map;

/** A fixed report for the writer tests. */
final class SampleReports {
    private SampleReports() {
    }

    static LatencyStats latency(double p50) {
        return new LatencyStats(10, p50 * 1.1, p50, p50 * 1.5, p50 * 2, p50 * 0.9, p50 * 3);
    }

    static BenchReport report() {
        RunInfo info = new RunInfo("peregrine bench --model m.pt", "2026-01-01T00:00:00Z", "m.pt", "cpu",
                "Test CPU", 2, List.of(1.5, 2.0, 2.5), List.of(3.0, 2.0, 1.0), Map.of("java", "17"),
                Map.of("duration", "1s"));
        List<BenchRow> rows = List.of(
                new BenchRow("onnx-fp32", 1, RowStatus.OK, "", 40, 2.0, 20.0, latency(50), new StageMillis(2, 1, 47),
                        12_000_000L, 150.0, 80L << 20, null, 0.7994, 0.6295),
                new BenchRow("onnx-fp32", 4, RowStatus.OK, "", 80, 2.0, 40.0, latency(100),
                        new StageMillis(2, 1, 22), 12_000_000L, 150.0, 80L << 20, null, 0.7994, 0.6295),
                BenchRow.notRun("onnx-fp16", 1, RowStatus.SKIPPED, "precision fp16, \"not yet\"", null),
                BenchRow.notRun("onnx-fp16", 4, RowStatus.SKIPPED, "precision fp16, \"not yet\"", null),
                BenchRow.notRun("trt-fp32", 1, RowStatus.SKIPPED, "TensorRT runs on an NVIDIA GPU", null));
        List<ComparisonRow> comps = List.of(
                new ComparisonRow("onnxruntime", "OrtSession.run", Stage.MODEL_RUN, 1, RowStatus.OK, "", 25.0,
                        latency(40)),
                new ComparisonRow("peregrine", "YoloDetector", Stage.END_TO_END, 1, RowStatus.OK, "", 24.0,
                        latency(42)),
                new ComparisonRow("peregrine", "YoloDetector", Stage.END_TO_END, 4, RowStatus.OK, "", 30.0,
                        latency(130)),
                new ComparisonRow("djl", "translator", Stage.END_TO_END, 1, RowStatus.OK, "", 12.0, latency(84)),
                new ComparisonRow("djl", "translator", Stage.END_TO_END, 4, RowStatus.OK, "", 15.0, latency(260)),
                ComparisonRow.notRun("djl", "documented", Stage.END_TO_END, 1, RowStatus.FAILED,
                        "ArrayIndexOutOfBoundsException: Index -5"));
        List<Agreement> agreements = List.of(new Agreement("peregrine onnx-fp32", 20, 62, 62, 62, ""),
                new Agreement("djl translator", 20, 62, 60, 2, "stretches"));
        List<JmhResult> jmh = List.of(new JmhResult("dev.peregrine.bench.jmh.EngineRunBenchmark.run",
                Map.of("batch", "4"), "avgt", 12.5, 0.4, "ms/op"));
        return new BenchReport(info, rows, comps, agreements, jmh, List.of("a note"));
    }
}
