package dev.peregrine.server.http;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.Detector;
import dev.peregrine.engines.Engine;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.PreparedImage;
import dev.peregrine.engines.pipeline.YoloDetector;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A {@link YoloDetector} together with the {@link Engine} under it, so that the tensor route of the Open Inference
 * Protocol can run raw batches on the same engine instead of loading the model twice. An engine runs one batch at a
 * time, so detection batches and raw batches take turns under this object's lock.
 */
final class SharedEngineDetector implements Detector {
    private final YoloDetector detector;
    private final Engine engine;
    private boolean closed;

    /** Work on the engine while holding the lock. */
    @FunctionalInterface
    interface EngineWork<T> {
        T run(Engine engine) throws PeregrineException;
    }

    /**
     * @param engine   the opened engine; owned by the detector built over it
     * @param maxPixels pixel limit of {@link #prepare}
     */
    SharedEngineDetector(Engine engine, long maxPixels) throws PeregrineException {
        this.engine = engine;
        this.detector = YoloDetector.wrap(engine, maxPixels); // closes the engine itself when it fails
    }

    /** Engine and execution provider, e.g. {@code onnxruntime-cpu}. */
    String engineDescription() {
        return detector.engineDescription();
    }

    /** Model metadata from the engine. */
    @Override
    public ModelInfo info() {
        return detector.info();
    }

    @Override
    public int maxBatch() {
        return detector.maxBatch();
    }

    /** Thread-safe; does not touch the engine. */
    @Override
    public PreparedImage prepare(byte[] encoded) throws PeregrineException {
        return detector.prepare(encoded);
    }

    /** Thread-safe; does not touch the engine; a direct buffer is decoded in place. */
    @Override
    public PreparedImage prepare(ByteBuffer encoded) throws PeregrineException {
        return detector.prepare(encoded);
    }

    @Override
    public synchronized List<List<Detection>> detect(List<? extends PreparedImage> images, DetectOptions options)
            throws PeregrineException {
        return detector.detect(images, options);
    }

    /**
     * Runs {@code work} on the engine, between detection batches.
     *
     * @throws PeregrineException ENGINE_FAILURE once closed, or what {@code work} throws
     */
    synchronized <T> T withEngine(EngineWork<T> work) throws PeregrineException {
        if (closed) {
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "the model's engine is closed");
        }
        return work.run(engine);
    }

    /** The engine's input and output specs (fixed for its life; read without running it). */
    Engine engine() {
        return engine;
    }

    /** Closes the detector and its engine, after any batch in progress. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            detector.close();
        }
    }
}
