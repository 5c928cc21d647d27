package dev.peregrine.engines;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Image in, detections out. The two stages are separate so that a server can prepare images on a worker pool
 * and batch them: {@link #prepare} is thread-safe, {@link #detect} runs one batch on the engine and is called by
 * one thread at a time per detector.
 */
public interface Detector extends AutoCloseable {

    /** Model metadata. */
    ModelInfo info();

    /** Largest batch one {@link #detect} call sends to the engine in one run. */
    int maxBatch();

    /**
     * Decodes an encoded image (JPEG, PNG, BMP, WebP) and letterboxes it to the model input. Thread-safe.
     *
     * @throws PeregrineException BAD_INPUT for empty, corrupt, zero-size or unsupported images
     */
    PreparedImage prepare(byte[] encoded) throws PeregrineException;

    /**
     * {@link #prepare(byte[])} for the bytes between {@code encoded}'s position and limit, which stay as they are.
     * Detectors that decode with OpenCV read a direct buffer in place; this default copies the bytes to the heap
     * first, for detectors that have nothing better to do.
     *
     * @throws PeregrineException as {@link #prepare(byte[])}
     */
    default PreparedImage prepare(ByteBuffer encoded) throws PeregrineException {
        byte[] copy = new byte[encoded.remaining()];
        encoded.duplicate().get(copy);
        return prepare(copy);
    }

    /**
     * Runs the images through the engine (in chunks of {@link #maxBatch()}) and decodes detections.
     * Does not close the images.
     *
     * @return detections per image, in input order, in original-image pixels
     */
    List<List<Detection>> detect(List<? extends PreparedImage> images, DetectOptions options) throws PeregrineException;

    /** Convenience: prepare, detect and close one image. */
    default List<Detection> detect(byte[] encoded, DetectOptions options) throws PeregrineException {
        try (PreparedImage image = prepare(encoded)) {
            return detect(List.of(image), options).get(0);
        }
    }

    /** Closes the engine. Idempotent. */
    @Override
    void close();
}
