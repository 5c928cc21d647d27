package dev.peregrine.engines.pipeline;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.Detector;
import dev.peregrine.engines.Engine;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.EngineOutputs;
import dev.peregrine.engines.Engines;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.PreparedImage;
import dev.peregrine.engines.decode.HeadDecoder;
import dev.peregrine.engines.decode.HeadDecoders;
import dev.peregrine.engines.image.InputBatch;
import dev.peregrine.engines.image.LetterboxedImage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The YOLO {@link Detector} for detect, segment, pose and OBB models: encoded image → letterbox (as Ultralytics'
 * predictor) → engine → head decoder + NMS → boxes in original-image pixels, with the task payload as the
 * detection's {@link Detection#extra()} (mask, keypoints, rotated box). Classification models are refused; they open
 * as {@link YoloClassifier}.
 *
 * <p>Boxes are mapped back with Ultralytics' {@code scale_boxes} arithmetic ({@link BoxScaler}), which can differ
 * from the letterbox geometry by one input pixel; parity with Ultralytics' output wins. Keypoints, rotated boxes and
 * masks are mapped the way Ultralytics' task predictors map them ({@link BoxScaler}).
 *
 * <p>Owns its {@link Engine}, the {@link InputBatch} the engine reads (one reusable native tensor of
 * {@code maxBatch} slots) and the {@link HeadDecoder} (reusable scratch), through an {@link EngineBatchRunner}.
 * {@link #prepare} is thread-safe and allocates only the letterboxed image; {@link #detect} fills the batch slots,
 * runs the engine in chunks of {@link #maxBatch()} and is serialised (one engine run at a time). Results do not
 * depend on how images are grouped into batches.
 */
public final class YoloDetector implements Detector {
    /** Default limit on the pixels of an image accepted by {@link #prepare} (40 megapixels). */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    private final EngineBatchRunner<LetterboxedImage> runner;
    private final HeadDecoder decoder;

    private YoloDetector(EngineBatchRunner<LetterboxedImage> runner, HeadDecoder decoder) {
        this.runner = runner;
        this.decoder = decoder;
    }

    /**
     * Opens the model with the first {@link dev.peregrine.engines.EngineProvider} that accepts it, with the default
     * pixel limit.
     *
     * @throws PeregrineException NOT_FOUND, UNAVAILABLE, BAD_INPUT or UNSUPPORTED as {@link Engines#open} and
     *                            {@link HeadDecoders#forModel} report them
     */
    public static YoloDetector open(EngineConfig config) throws PeregrineException {
        return open(config, DEFAULT_MAX_PIXELS);
    }

    /**
     * Opens the model, accepting images of at most {@code maxPixels} pixels in {@link #prepare}.
     *
     * @throws PeregrineException as {@link #open(EngineConfig)}
     */
    public static YoloDetector open(EngineConfig config, long maxPixels) throws PeregrineException {
        return wrap(Engines.open(config), maxPixels);
    }

    /**
     * A detector over an already opened engine, which it takes over: closing the detector closes the engine, and
     * so does a failure here.
     *
     * @throws PeregrineException UNSUPPORTED when no head decoder fits the model's task
     */
    public static YoloDetector wrap(Engine engine, long maxPixels) throws PeregrineException {
        return EngineBatchRunner.takeOver(engine, e -> {
            HeadDecoder decoder = HeadDecoders.forModel(e.info());
            return new YoloDetector(new EngineBatchRunner<>(e, maxPixels, LetterboxedImage.class,
                    LetterboxedImage::of, YoloDetector.class), decoder);
        });
    }

    @Override
    public ModelInfo info() {
        return runner.engine().info();
    }

    @Override
    public int maxBatch() {
        return runner.engine().maxBatch();
    }

    /** Engine and execution provider, e.g. {@code onnxruntime-cpu}. */
    public String engineDescription() {
        return runner.engine().description();
    }

    /** The pixel limit {@link #prepare} enforces. */
    public long maxPixels() {
        return runner.maxPixels();
    }

    /**
     * Decodes and letterboxes an image to the model input size.
     *
     * @return a {@link LetterboxedImage} the caller owns and closes
     * @throws PeregrineException BAD_INPUT for empty, corrupt or unsupported data, TOO_LARGE above the pixel limit
     */
    @Override
    public LetterboxedImage prepare(byte[] encoded) throws PeregrineException {
        return runner.prepare(encoded);
    }

    /** {@link #prepare(byte[])} reading a direct buffer in place, without a heap copy. */
    @Override
    public LetterboxedImage prepare(ByteBuffer encoded) throws PeregrineException {
        return runner.prepare(encoded);
    }

    @Override
    public List<List<Detection>> detect(List<? extends PreparedImage> images, DetectOptions options)
            throws PeregrineException {
        return runner.run(images, (outputs, slot, image) -> decode(outputs, slot, image, options));
    }

    /** One image's detections, mapped back to its original pixels. */
    private List<Detection> decode(EngineOutputs outputs, int slot, LetterboxedImage image, DetectOptions options)
            throws PeregrineException {
        BoxScaler scaler = BoxScaler.of(image.geometry());
        List<Detection> inInput = decoder.decode(outputs, slot, options);
        List<Detection> mapped = new ArrayList<>(inInput.size());
        for (Detection d : inInput) {
            mapped.add(scaler.toOriginal(d));
        }
        return Collections.unmodifiableList(mapped);
    }

    /**
     * Runs one grey image through letterbox, engine and decoder, so that one-time costs (native library loading,
     * ONNX Runtime's first-run allocations, JIT) are paid before anything is timed or served.
     */
    public void warmUp() throws PeregrineException {
        runner.warmUp((outputs, slot, image) -> decode(outputs, slot, image, DetectOptions.defaults()));
    }

    /** Closes the input batch and the engine. Idempotent. */
    @Override
    public void close() {
        runner.close();
    }
}
