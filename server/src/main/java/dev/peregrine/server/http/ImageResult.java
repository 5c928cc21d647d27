package dev.peregrine.server.http;

import dev.peregrine.engines.Detection;
import java.util.List;

/**
 * The outcome of one image of a detect request, with the moments ({@link System#nanoTime()}) its stages ended.
 *
 * @param width           original image width
 * @param height          original image height
 * @param detections      boxes in original-image pixels
 * @param receivedNanos   when the image was handed to the worker pool
 * @param startedNanos    when a worker began on it
 * @param preparedNanos   when decode and letterbox finished
 * @param batchStartNanos when its batch started running
 * @param batchEndNanos   when its batch finished
 */
record ImageResult(int width, int height, List<Detection> detections, long receivedNanos, long startedNanos,
        long preparedNanos, long batchStartNanos, long batchEndNanos) {

    /** The stage durations; the exchange started at {@code startNanos}, the answer was ready at {@code nowNanos}. */
    StageTimes times(long startNanos, long nowNanos) {
        // Waiting for a worker is queueing, not preprocessing: the preprocess figure is the detector's own work.
        return new StageTimes(preparedNanos - startedNanos,
                (startedNanos - receivedNanos) + (batchStartNanos - preparedNanos), batchEndNanos - batchStartNanos, Math.max(0, nowNanos - batchEndNanos), nowNanos - startNanos);
    }
}
