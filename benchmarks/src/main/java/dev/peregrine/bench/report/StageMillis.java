package dev.peregrine.bench.report;

/**
 * Where the time of an end-to-end measurement went, as mean milliseconds per image.
 *
 * @param decodeMs    JPEG/PNG decoding (OpenCV {@code imdecode})
 * @param letterboxMs resize and pad to the model input
 * @param inferMs     the detector's batch call: tensor fill ({@code InputBatch.put}), engine run, decoding and NMS,
 *                    divided by the batch size
 */
public record StageMillis(double decodeMs, double letterboxMs, double inferMs) {
    /** Unknown (skipped or failed rows). */
    public static final StageMillis NONE = new StageMillis(Double.NaN, Double.NaN, Double.NaN);

    /** The sum of the stages: the mean end-to-end time per image. */
    public double totalMs() {
        return decodeMs + letterboxMs + inferMs;
    }
}
