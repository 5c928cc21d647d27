package dev.peregrine.bench.report;

import dev.peregrine.bench.LatencyStats;

/**
 * One measured (or skipped) format x batch combination of {@code peregrine bench}: the end-to-end pipeline from
 * encoded image bytes in memory to detections in original-image pixels.
 *
 * @param format          format id ({@code onnx-fp32})
 * @param batch           images per detector call
 * @param status          measured, skipped or failed
 * @param reason          why it was skipped or failed; empty when measured
 * @param images          images processed while measuring
 * @param seconds         measured wall time
 * @param imagesPerSecond throughput
 * @param latency         latency of one batch call (decode + letterbox of the batch's images + detect)
 * @param stages          mean time per image by stage
 * @param fileBytes       size of the model file, or null when there is none
 * @param loadMillis      time to open the model (session creation), or null
 * @param ramDeltaBytes   growth of anonymous resident memory ({@code RssAnon}) of a fresh JVM from before opening
 *                        the model to after three batches of the largest batch size (see
 *                        {@link dev.peregrine.bench.run.MemoryProbe}), or null
 * @param gpuBytes        growth of GPU memory in the same fresh JVM, or null when not measured (CPU runs)
 * @param map50           mAP@0.5 on the labelled data, or null when not evaluated
 * @param map5095         mAP@0.5:0.95 on the labelled data, or null when not evaluated
 */
public record BenchRow(String format, int batch, RowStatus status, String reason, long images, double seconds,
        double imagesPerSecond, LatencyStats latency, StageMillis stages, Long fileBytes, Double loadMillis,
        Long ramDeltaBytes, Long gpuBytes, Double map50, Double map5095) {

    public BenchRow {
        reason = reason == null ? "" : reason;
        latency = latency == null ? LatencyStats.EMPTY : latency;
        stages = stages == null ? StageMillis.NONE : stages;
    }

    /** A row that was not measured. */
    public static BenchRow notRun(String format, int batch, RowStatus status, String reason, Long fileBytes) {
        if (status == RowStatus.OK) {
            throw new IllegalArgumentException("a row that did not run cannot be OK");
        }
        return new BenchRow(format, batch, status, reason, 0, 0, Double.NaN, LatencyStats.EMPTY, StageMillis.NONE,
                fileBytes, null, null, null, null, null);
    }

    /** A copy with the mAP figures set. */
    public BenchRow withMap(Double map50, Double map5095) {
        return new BenchRow(format, batch, status, reason, images, seconds, imagesPerSecond, latency, stages,
                fileBytes, loadMillis, ramDeltaBytes, gpuBytes, map50, map5095);
    }

    /** A copy with the per-format memory and load figures set. */
    public BenchRow withFormatFigures(Long fileBytes, Double loadMillis, Long ramDeltaBytes, Long gpuBytes) {
        return new BenchRow(format, batch, status, reason, images, seconds, imagesPerSecond, latency, stages,
                fileBytes, loadMillis, ramDeltaBytes, gpuBytes, map50, map5095);
    }
}
