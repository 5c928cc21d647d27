package dev.peregrine.bench.report;

import dev.peregrine.bench.LatencyStats;

/**
 * A measurement for the comparison section: the bare ONNX Runtime baseline, Peregrine at a given stage, or a peer
 * (DJL) at a given stage, on the same model and images.
 *
 * @param subject         who ran it: {@code onnxruntime}, {@code peregrine}, {@code djl}
 * @param variant         how, e.g. {@code session.run}, {@code YoloV8Translator (maxBox workaround)}
 * @param stage           what part of the path was timed
 * @param batch           images per call
 * @param status          measured, skipped or failed
 * @param reason          why it was skipped or failed (empty when measured)
 * @param imagesPerSecond throughput
 * @param latency         latency of one call of {@code batch} images
 */
public record ComparisonRow(String subject, String variant, Stage stage, int batch, RowStatus status, String reason,
        double imagesPerSecond, LatencyStats latency) {

    public ComparisonRow {
        reason = reason == null ? "" : reason;
        latency = latency == null ? LatencyStats.EMPTY : latency;
    }

    /** A row that did not run or failed. */
    public static ComparisonRow notRun(String subject, String variant, Stage stage, int batch, RowStatus status,
            String reason) {
        return new ComparisonRow(subject, variant, stage, batch, status, reason, Double.NaN, LatencyStats.EMPTY);
    }

    /** True when the row holds figures. */
    public boolean ok() {
        return status == RowStatus.OK;
    }
}
