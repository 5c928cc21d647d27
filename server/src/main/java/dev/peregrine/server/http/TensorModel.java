package dev.peregrine.server.http;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.TensorSpec;
import dev.peregrine.server.batch.Deadline;
import java.nio.FloatBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A served model seen as tensors, the way the Open Inference Protocol (KServe v2 / Triton) sees it: a preprocessed
 * float32 input {@code images [B, 3, H, W]} in, the raw head output {@code output0} out, without decoding or NMS.
 */
public interface TensorModel {

    /** The input tensor; the batch dimension is -1. */
    TensorSpec input();

    /** The output tensor; the batch dimension is -1. */
    TensorSpec output();

    /**
     * Runs {@code batch} images.
     *
     * @param nchw          {@code batch * 3 * H * W} floats, positioned at 0, read in place (a view of the request
     *                      body): valid until {@code imageReleased} has run for every image
     * @param batch         number of images, at least 1
     * @param deadline      when the caller stops waiting
     * @param imageReleased runs exactly {@code batch} times, once per image, when nothing reads that image's floats
     *                      any more (after its batch ran, or when it was refused, withdrawn or dropped); this can be
     *                      after the returned future completes, e.g. when it is cancelled while its batch runs
     * @return the output, whose data the caller then owns (one reference, to release once answered), or a future
     *         failed with a {@link PeregrineException} (OVERLOADED when refused, DEADLINE_EXCEEDED, ENGINE_FAILURE);
     *         cancelling it withdraws queued work
     */
    CompletableFuture<RawOutput> infer(FloatBuffer nchw, int batch, Deadline deadline, Runnable imageReleased);

    /**
     * An output tensor.
     *
     * @param name  tensor name
     * @param shape actual shape, batch first
     * @param data  row-major float32 values, little-endian in pooled native memory; whoever holds the output
     *              releases it
     */
    record RawOutput(String name, long[] shape, TensorBytes data) {
    }
}
