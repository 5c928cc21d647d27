package dev.peregrine.engines.pipeline;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import dev.peregrine.engines.Classification;
import dev.peregrine.engines.Engine;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.EngineOutputs;
import dev.peregrine.engines.Engines;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.PreparedImage;
import dev.peregrine.engines.Task;
import dev.peregrine.engines.decode.ClassifyDecoder;
import dev.peregrine.engines.image.CenterCropImage;
import dev.peregrine.engines.image.ImageDecoder;
import dev.peregrine.engines.image.InputBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * The YOLO classifier ({@code -cls} models): encoded image → Ultralytics' classification preprocessing (short side
 * resized with Pillow's bilinear filter, centre crop; {@link CenterCropImage}) → engine → the top-k classes with
 * their probabilities ({@link Classification}), like Ultralytics' {@code probs.top5}.
 *
 * <p>Owns its {@link Engine} and the {@link InputBatch} the engine reads. {@link #prepare} is thread-safe;
 * {@link #classify} runs the engine in chunks of {@link #maxBatch()} and is serialised.
 */
public final class YoloClassifier implements AutoCloseable {
    /** Classes reported by default (Ultralytics' top5). */
    public static final int TOP_K = 5;

    private final Engine engine;
    private final ClassifyDecoder decoder;
    private final InputBatch batch;
    private final long maxPixels;
    private final int width;
    private final int height;
    private boolean closed;

    private YoloClassifier(Engine engine, long maxPixels) {
        this.engine = engine;
        this.decoder = new ClassifyDecoder(engine.info().classCount());
        this.maxPixels = maxPixels;
        this.width = engine.info().inputWidth();
        this.height = engine.info().inputHeight();
        this.batch = new InputBatch(engine.maxBatch(), height, width);
    }

    /**
     * Opens the model with the first engine provider that accepts it, with {@link YoloDetector#DEFAULT_MAX_PIXELS}.
     *
     * @throws PeregrineException as {@link Engines#open}, or UNSUPPORTED when the model is not a classifier
     */
    public static YoloClassifier open(EngineConfig config) throws PeregrineException {
        return wrap(Engines.open(config), YoloDetector.DEFAULT_MAX_PIXELS);
    }

    /**
     * A classifier over an already opened engine, which it takes over: closing the classifier closes the engine,
     * and so does a failure here.
     *
     * @throws PeregrineException UNSUPPORTED when the model's task is not classify, BAD_INPUT when it has no classes
     */
    public static YoloClassifier wrap(Engine engine, long maxPixels) throws PeregrineException {
        try {
            if (maxPixels < 1) {
                throw new IllegalArgumentException("maxPixels must be >= 1, got " + maxPixels);
            }
            ModelInfo info = engine.info();
            if (info.task() != Task.CLASSIFY) {
                throw PeregrineException.unsupported("model is a " + info.task().ultralyticsName()
                        + " model, not a classifier; open it with YoloDetector");
            }
            if (info.classCount() < 1) {
                throw PeregrineException.badInput("classification model has no classes");
            }
            return new YoloClassifier(engine, maxPixels);
        } catch (PeregrineException | RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /** Model metadata. */
    public ModelInfo info() {
        return engine.info();
    }

    /** Largest batch one engine run takes. */
    public int maxBatch() {
        return engine.maxBatch();
    }

    /** Engine and execution provider, e.g. {@code onnxruntime-cpu}. */
    public String engineDescription() {
        return engine.description();
    }

    /**
     * Decodes an image and prepares it for the model (resize, centre crop). Thread-safe.
     *
     * @return a {@link CenterCropImage} the caller owns and closes
     * @throws PeregrineException BAD_INPUT for empty, corrupt or unsupported data, TOO_LARGE above the pixel limit
     */
    public CenterCropImage prepare(byte[] encoded) throws PeregrineException {
        if (encoded == null || encoded.length == 0) {
            throw PeregrineException.badInput("empty image");
        }
        try (Mat bgr = ImageDecoder.decode(encoded, maxPixels)) {
            return CenterCropImage.of(bgr, width, height);
        }
    }

    /**
     * Classifies prepared images (in chunks of {@link #maxBatch()}); does not close them.
     *
     * @param topK classes per image (at most the class count are returned)
     * @return one result per image, in input order
     */
    public synchronized List<Classification> classify(List<? extends PreparedImage> images, int topK)
            throws PeregrineException {
        if (closed) {
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "classifier is closed");
        }
        if (topK < 1) {
            throw PeregrineException.badInput("top-k must be >= 1, got " + topK);
        }
        List<CenterCropImage> cropped = checked(images);
        List<Classification> results = new ArrayList<>(images.size());
        int chunk = engine.maxBatch();
        for (int start = 0; start < cropped.size(); start += chunk) {
            int n = Math.min(chunk, cropped.size() - start);
            for (int slot = 0; slot < n; slot++) {
                batch.put(slot, cropped.get(start + slot));
            }
            EngineOutputs outputs = engine.run(batch.buffer(), n);
            for (int slot = 0; slot < n; slot++) {
                results.add(decoder.decode(outputs, slot, topK));
            }
        }
        return Collections.unmodifiableList(results);
    }

    /** Convenience: prepare, classify and close one image, top {@link #TOP_K}. */
    public Classification classify(byte[] encoded) throws PeregrineException {
        try (CenterCropImage image = prepare(encoded)) {
            return classify(List.of(image), TOP_K).get(0);
        }
    }

    /** Runs one grey image through preprocessing, engine and decoder, so that one-time costs are paid up front. */
    public void warmUp() throws PeregrineException {
        try (Scalar grey = new Scalar(114, 114, 114, 0);
             Mat image = new Mat(height, width, CV_8UC3, grey);
             CenterCropImage img = CenterCropImage.of(image, width, height)) {
            classify(List.of(img), 1);
        }
    }

    private List<CenterCropImage> checked(List<? extends PreparedImage> images) throws PeregrineException {
        List<CenterCropImage> out = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            PreparedImage p = images.get(i);
            if (!(p instanceof CenterCropImage c)) {
                throw PeregrineException.badInput("image " + i + " was not prepared by a YoloClassifier ("
                        + (p == null ? "null" : p.getClass().getSimpleName()) + ")");
            }
            if (c.isClosed()) {
                throw PeregrineException.badInput("image " + i + " is already closed");
            }
            if (c.width() != width || c.height() != height) {
                throw PeregrineException.badInput("image " + i + " is " + c.width() + "x" + c.height()
                        + " but the model input is " + width + "x" + height);
            }
            out.add(c);
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
