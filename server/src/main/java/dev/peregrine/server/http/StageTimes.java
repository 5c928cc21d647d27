package dev.peregrine.server.http;

import io.vertx.core.json.JsonObject;

/**
 * Where the time of one image went, in nanoseconds; reported in milliseconds as {@code timing_ms}.
 *
 * <ul>
 *   <li>{@code preprocess}: header check, decode and letterbox on a worker thread;</li>
 *   <li>{@code queue}: waiting for a worker, then from submission to the batcher until its batch started;</li>
 *   <li>{@code inference}: the batch's detector run (engine, box decoding and NMS), shared by the batch;</li>
 *   <li>{@code postprocess}: from the batch's end until the answer was ready (hand-over to the event loop,
 *       JSON or annotated JPEG);</li>
 *   <li>{@code total}: from the end of the upload until the answer was ready.</li>
 * </ul>
 *
 * @param preprocessNanos decode and letterbox
 * @param queueNanos      waiting for a worker and in the batcher
 * @param inferenceNanos  the batch run
 * @param postNanos       building the answer
 * @param totalNanos      whole request after upload
 */
record StageTimes(long preprocessNanos, long queueNanos, long inferenceNanos, long postNanos, long totalNanos) {

    /** {@code {queue, preprocess, inference, postprocess, total}} in milliseconds, three decimals. */
    JsonObject toJson() {
        return new JsonObject()
                .put("queue", ms(queueNanos))
                .put("preprocess", ms(preprocessNanos))
                .put("inference", ms(inferenceNanos))
                .put("postprocess", ms(postNanos))
                .put("total", ms(totalNanos));
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }
}
