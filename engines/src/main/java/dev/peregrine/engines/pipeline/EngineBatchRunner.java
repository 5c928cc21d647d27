package dev.peregrine.engines.pipeline;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import dev.peregrine.engines.Engine;
import dev.peregrine.engines.EngineOutputs;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.PreparedImage;
import dev.peregrine.engines.image.ImageDecoder;
import dev.peregrine.engines.image.InputBatch;
import dev.peregrine.engines.image.LetterboxedImage;
import dev.peregrine.engines.image.ModelInputImage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * What {@link YoloDetector} and {@link YoloClassifier} share: the {@link Engine} they own and the {@link InputBatch}
 * it reads (one reusable native tensor of {@code maxBatch} slots); turning encoded bytes into this model's prepared
 * image type {@code I} under a pixel limit; and {@link #run}, which checks prepared images, fills the batch slots,
 * runs the engine in chunks of {@code maxBatch} and hands each image's slot to a decoder.
 *
 * <p>{@link #run} and {@link #close()} are serialised on this object (one engine run at a time, and decoders with
 * reusable scratch run only inside {@link #run}); {@link #prepare} is thread-safe.
 *
 * @param <I> the prepared image type of this model
 */
final class EngineBatchRunner<I extends ModelInputImage> implements AutoCloseable {
    private static final int PAD = LetterboxedImage.PAD_VALUE;

    /** Makes this model's prepared image from a decoded BGR image (not taken over). */
    @FunctionalInterface
    interface Preparer<I> {
        I prepare(Mat bgr, int width, int height);
    }

    /** Decodes one image of an engine run. */
    @FunctionalInterface
    interface SlotDecoder<I, R> {
        /**
         * @param outputs the run's outputs
         * @param slot    the image's slot (batch index) in them
         * @param image   the image in that slot
         */
        R decode(EngineOutputs outputs, int slot, I image) throws PeregrineException;
    }

    /** Something made from an engine that it takes over. */
    @FunctionalInterface
    interface EngineOwner<T> {
        T create(Engine engine) throws PeregrineException;
    }

    private final Engine engine;
    private final InputBatch batch;
    private final long maxPixels;
    private final int width;
    private final int height;
    private final Class<I> imageType;
    private final Preparer<I> preparer;
    private final String owner;
    private boolean closed;

    /**
     * @param engine    the engine, taken over
     * @param maxPixels limit on the pixels of an image {@link #prepare} accepts
     * @param imageType the prepared image type {@link #run} accepts
     * @param preparer  makes that type at the model input size
     * @param owner     the pipeline's class, named in error messages
     * @throws IllegalArgumentException when {@code maxPixels < 1}
     */
    EngineBatchRunner(Engine engine, long maxPixels, Class<I> imageType, Preparer<I> preparer, Class<?> owner) {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be >= 1, got " + maxPixels);
        }
        this.engine = engine;
        this.maxPixels = maxPixels;
        this.width = engine.info().inputWidth();
        this.height = engine.info().inputHeight();
        this.imageType = imageType;
        this.preparer = preparer;
        this.owner = owner.getSimpleName();
        this.batch = new InputBatch(engine.maxBatch(), height, width);
    }

    /**
     * Creates a pipeline over {@code engine}, which it takes over: when creation fails the engine is closed.
     *
     * @throws PeregrineException what {@code create} throws, after closing the engine
     */
    static <T> T takeOver(Engine engine, EngineOwner<T> create) throws PeregrineException {
        try {
            return create.create(engine);
        } catch (PeregrineException | RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /** The engine (its info, batch limit and description). */
    Engine engine() {
        return engine;
    }

    /** The pixel limit {@link #prepare} enforces. */
    long maxPixels() {
        return maxPixels;
    }

    /**
     * Decodes an image and prepares it for the model. Thread-safe.
     *
     * @return an image the caller owns and closes
     * @throws PeregrineException BAD_INPUT for empty, corrupt or unsupported data, TOO_LARGE above the pixel limit
     */
    I prepare(byte[] encoded) throws PeregrineException {
        return prepare(encoded == null ? null : ByteBuffer.wrap(encoded));
    }

    /**
     * {@link #prepare(byte[])} for the bytes between {@code encoded}'s position and limit (left as they are); a
     * direct buffer is decoded in place.
     */
    I prepare(ByteBuffer encoded) throws PeregrineException {
        if (encoded == null || !encoded.hasRemaining()) {
            throw PeregrineException.badInput("empty image");
        }
        try (Mat bgr = ImageDecoder.decode(encoded, maxPixels)) {
            return preparer.prepare(bgr, width, height);
        }
    }

    /**
     * Runs prepared images through the engine in chunks of {@code maxBatch}; does not close them.
     *
     * @return one decoded result per image, in input order (unmodifiable)
     * @throws PeregrineException ENGINE_FAILURE once closed; BAD_INPUT when an image is not of this model's type
     *                            and input size, or is closed
     */
    synchronized <R> List<R> run(List<? extends PreparedImage> images, SlotDecoder<? super I, R> decoder)
            throws PeregrineException {
        if (closed) {
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, owner + " is closed");
        }
        List<I> checked = checked(images);
        List<R> results = new ArrayList<>(checked.size());
        int chunk = engine.maxBatch();
        for (int start = 0; start < checked.size(); start += chunk) {
            int n = Math.min(chunk, checked.size() - start);
            for (int slot = 0; slot < n; slot++) {
                batch.put(slot, checked.get(start + slot));
            }
            EngineOutputs outputs = engine.run(batch.buffer(), n);
            for (int slot = 0; slot < n; slot++) {
                results.add(decoder.decode(outputs, slot, checked.get(start + slot)));
            }
        }
        return Collections.unmodifiableList(results);
    }

    /**
     * Runs one grey image (Ultralytics' padding grey, {@link LetterboxedImage#PAD_VALUE}) through preprocessing, engine and {@code decoder}, so that
     * one-time costs (native library loading, the runtime's first-run allocations, JIT) are paid up front.
     */
    void warmUp(SlotDecoder<? super I, ?> decoder) throws PeregrineException {
        try (Scalar grey = new Scalar(PAD, PAD, PAD, 0);
             Mat image = new Mat(height, width, CV_8UC3, grey);
             I img = preparer.prepare(image, width, height)) {
            run(List.of(img), decoder);
        }
    }

    /** Checks that every image is this model's type and input size, and still open. */
    private List<I> checked(List<? extends PreparedImage> images) throws PeregrineException {
        List<I> out = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            PreparedImage p = images.get(i);
            if (!imageType.isInstance(p)) {
                throw PeregrineException.badInput("image " + i + " was not prepared by a " + owner + " ("
                        + (p == null ? "null" : p.getClass().getSimpleName()) + ")");
            }
            I image = imageType.cast(p);
            if (image.isClosed()) {
                throw PeregrineException.badInput("image " + i + " is already closed");
            }
            if (image.width() != width || image.height() != height) {
                throw PeregrineException.badInput("image " + i + " is " + image.width() + "x" + image.height()
                        + " but the model input is " + width + "x" + height);
            }
            out.add(image);
        }
        return out;
    }

    /** Closes the input batch and the engine. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            batch.close();
        } finally {
            engine.close();
        }
    }
}
