package dev.peregrine.engines.pipeline;

import dev.peregrine.engines.Classification;
import dev.peregrine.engines.Engine;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.Engines;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.PreparedImage;
import dev.peregrine.engines.Task;
import dev.peregrine.engines.decode.ClassifyDecoder;
import dev.peregrine.engines.image.CenterCropImage;
import dev.peregrine.engines.image.InputBatch;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The YOLO classifier ({@code -cls} models): encoded image → Ultralytics' classification preprocessing (short side
 * resized with Pillow's bilinear filter, centre crop; {@link CenterCropImage}) → engine → the top-k classes with
 * their probabilities ({@link Classification}), like Ultralytics' {@code probs.top5}.
 *
 * <p>Owns its {@link Engine} and the {@link InputBatch} the engine reads, through an {@link EngineBatchRunner}.
 * {@link #prepare} is thread-safe; {@link #classify} runs the engine in chunks of {@link #maxBatch()} and is
 * serialised.
 */
public final class YoloClassifier implements AutoCloseable {
    /** Classes reported by default (Ultralytics' top5). */
    public static final int TOP_K = 5;

    private final EngineBatchRunner<CenterCropImage> runner;
    private final ClassifyDecoder decoder;

    private YoloClassifier(EngineBatchRunner<CenterCropImage> runner, ClassifyDecoder decoder) {
        this.runner = runner;
        this.decoder = decoder;
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
        return EngineBatchRunner.takeOver(engine, e -> {
            ModelInfo info = e.info();
            if (info.task() != Task.CLASSIFY) {
                throw PeregrineException.unsupported("model is a " + info.task().ultralyticsName()
                        + " model, not a classifier; open it with YoloDetector");
            }
            if (info.classCount() < 1) {
                throw PeregrineException.badInput("classification model has no classes");
            }
            ClassifyDecoder decoder = new ClassifyDecoder(info.classCount());
            return new YoloClassifier(new EngineBatchRunner<>(e, maxPixels, CenterCropImage.class,
                    CenterCropImage::of, YoloClassifier.class), decoder);
        });
    }

    /** Model metadata. */
    public ModelInfo info() {
        return runner.engine().info();
    }

    /** Largest batch one engine run takes. */
    public int maxBatch() {
        return runner.engine().maxBatch();
    }

    /** Engine and execution provider, e.g. {@code onnxruntime-cpu}. */
    public String engineDescription() {
        return runner.engine().description();
    }

    /**
     * Decodes an image and prepares it for the model (resize, centre crop). Thread-safe.
     *
     * @return a {@link CenterCropImage} the caller owns and closes
     * @throws PeregrineException BAD_INPUT for empty, corrupt or unsupported data, TOO_LARGE above the pixel limit
     */
    public CenterCropImage prepare(byte[] encoded) throws PeregrineException {
        return runner.prepare(encoded);
    }

    /** {@link #prepare(byte[])} for the bytes between the buffer's position and limit; direct buffers in place. */
    public CenterCropImage prepare(ByteBuffer encoded) throws PeregrineException {
        return runner.prepare(encoded);
    }

    /**
     * Classifies prepared images (in chunks of {@link #maxBatch()}); does not close them.
     *
     * @param topK classes per image (at most the class count are returned)
     * @return one result per image, in input order
     */
    public List<Classification> classify(List<? extends PreparedImage> images, int topK)
            throws PeregrineException {
        if (topK < 1) {
            throw PeregrineException.badInput("top-k must be >= 1, got " + topK);
        }
        return runner.run(images, (outputs, slot, image) -> decoder.decode(outputs, slot, topK));
    }

    /** Convenience: prepare, classify and close one image, top {@link #TOP_K}. */
    public Classification classify(byte[] encoded) throws PeregrineException {
        try (CenterCropImage image = prepare(encoded)) {
            return classify(List.of(image), TOP_K).get(0);
        }
    }

    /** Runs one grey image through preprocessing, engine and decoder, so that one-time costs are paid up front. */
    public void warmUp() throws PeregrineException {
        runner.warmUp((outputs, slot, image) -> decoder.decode(outputs, slot, 1));
    }

    /** Closes the input batch and the engine. Idempotent. */
    @Override
    public void close() {
        runner.close();
    }
}
