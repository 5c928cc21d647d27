package dev.peregrine.engines;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * A loaded model that runs batches of preprocessed NCHW float32 images.
 *
 * <p>Threading: an engine instance is used by one inference thread at a time; servers run several instances for
 * parallelism. Ownership: the engine owns its native session and buffers; {@link #close()} frees them and is
 * idempotent. The {@link EngineOutputs} returned by {@link #run} stay valid until the next {@code run} or
 * {@code close} on the same engine, so hot paths allocate nothing per call.
 */
public interface Engine extends AutoCloseable {

    /** Model metadata (classes, input size, task, precision). */
    ModelInfo info();

    /** Model inputs as the runtime reports them. */
    List<TensorSpec> inputs();

    /** Model outputs as the runtime reports them. */
    List<TensorSpec> outputs();

    /** Largest batch one {@link #run} accepts: the fixed batch of a static model, or a configured cap. */
    int maxBatch();

    /** Name of the engine and execution provider, e.g. {@code onnxruntime-cpu}, for logs and metrics. */
    String description();

    /**
     * Runs one batch.
     *
     * @param input NCHW float32 data of {@code batch} images of the model's input size, positioned at 0;
     *              a direct buffer avoids a copy
     * @param batch number of images in {@code input}, 1..{@link #maxBatch()}
     * @return outputs owned by the engine, valid until the next call
     * @throws PeregrineException with {@link ErrorCode#BAD_INPUT} for a wrong batch or buffer size,
     *                            {@link ErrorCode#ENGINE_FAILURE} when the runtime fails
     */
    EngineOutputs run(FloatBuffer input, int batch) throws PeregrineException;

    /** Frees the native session and buffers. Idempotent. */
    @Override
    void close();
}
