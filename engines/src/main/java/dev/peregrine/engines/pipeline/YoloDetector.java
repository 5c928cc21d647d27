package dev.peregrine.engines.pipeline;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.Detector;
import dev.peregrine.engines.Engine;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.EngineOutputs;
import dev.peregrine.engines.Engines;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.PreparedImage;
import dev.peregrine.engines.decode.HeadDecoder;
import dev.peregrine.engines.decode.HeadDecoders;
import dev.peregrine.engines.image.ImageDecoder;
import dev.peregrine.engines.image.InputBatch;
import dev.peregrine.engines.image.LetterboxedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

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
 * {@code maxBatch} slots) and the {@link HeadDecoder} (reusable scratch). {@link #prepare} is thread-safe and
 * allocates only the letterboxed image; {@link #detect} fills the batch slots, runs the engine in chunks of
 * {@link #maxBatch()} and is serialised (one engine run at a time). Results do not depend on how images are
 * grouped into batches.
 */
public final class YoloDetector implements Detector {
    /** Default limit on the pixels of an image accepted by {@link #prepare} (40 megapixels). */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    private final Engine engine;
    private final HeadDecoder decoder;
    private final InputBatch batch;
    private final long maxPixels;
    private final int width;
    private final int height;
    private boolean closed;

    private YoloDetector(Engine engine, HeadDecoder decoder, long maxPixels) {
        this.engine = engine;
        this.decoder = decoder;
        this.maxPixels = maxPixels;
        this.width = engine.info().inputWidth();
        this.height = engine.info().inputHeight();
        this.batch = new InputBatch(engine.maxBatch(), height, width);
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
        if (maxPixels < 1) {
            engine.close();
            throw new IllegalArgumentException("maxPixels must be >= 1, got " + maxPixels);
        }
        try {
            return new YoloDetector(engine, HeadDecoders.forModel(engine.info()), maxPixels);
        } catch (PeregrineException | RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    @Override
    public ModelInfo info() {
        return engine.info();
    }

    @Override
    public int maxBatch() {
        return engine.maxBatch();
    }

    /** Engine and execution provider, e.g. {@code onnxruntime-cpu}. */
    public String engineDescription() {
        return engine.description();
    }

    /** The pixel limit {@link #prepare} enforces. */
    public long maxPixels() {
        return maxPixels;
    }

    /**
     * Decodes and letterboxes an image to the model input size.
     *
     * @return a {@link LetterboxedImage} the caller owns and closes
     * @throws PeregrineException BAD_INPUT for empty, corrupt or unsupported data, TOO_LARGE above the pixel limit
     */
    @Override
    public LetterboxedImage prepare(byte[] encoded) throws PeregrineException {
        if (encoded == null || encoded.length == 0) {
            throw PeregrineException.badInput("empty image");
        }
        try (Mat bgr = ImageDecoder.decode(encoded, maxPixels)) {
            return LetterboxedImage.of(bgr, width, height);
        }
    }

    @Override
    public synchronized List<List<Detection>> detect(List<? extends PreparedImage> images, DetectOptions options)
            throws PeregrineException {
        if (closed) {
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "detector is closed");
        }
        List<LetterboxedImage> letterboxed = checked(images);
        List<List<Detection>> results = new ArrayList<>(images.size());
        int chunk = engine.maxBatch();
        for (int start = 0; start < letterboxed.size(); start += chunk) {
            int n = Math.min(chunk, letterboxed.size() - start);
            for (int slot = 0; slot < n; slot++) {
                batch.put(slot, letterboxed.get(start + slot));
            }
            EngineOutputs outputs = engine.run(batch.buffer(), n);
            for (int slot = 0; slot < n; slot++) {
                BoxScaler scaler = BoxScaler.of(letterboxed.get(start + slot).geometry());
                List<Detection> inInput = decoder.decode(outputs, slot, options);
                List<Detection> mapped = new ArrayList<>(inInput.size());
                for (Detection d : inInput) {
                    mapped.add(scaler.toOriginal(d));
                }
                results.add(Collections.unmodifiableList(mapped));
            }
        }
        return Collections.unmodifiableList(results);
    }

    /**
     * Runs one grey image through letterbox, engine and decoder, so that one-time costs (native library loading,
     * ONNX Runtime's first-run allocations, JIT) are paid before anything is timed or served.
     */
    public void warmUp() throws PeregrineException {
        try (Scalar grey = new Scalar(LetterboxedImage.PAD_VALUE, LetterboxedImage.PAD_VALUE,
                LetterboxedImage.PAD_VALUE, 0);
             Mat image = new Mat(height, width, CV_8UC3, grey);
             LetterboxedImage img = LetterboxedImage.of(image, width, height)) {
            detect(List.of(img), DetectOptions.defaults());
        }
    }

    /** Checks that every image came from a detector of this input size and is still open. */
    private List<LetterboxedImage> checked(List<? extends PreparedImage> images) throws PeregrineException {
        List<LetterboxedImage> out = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            PreparedImage p = images.get(i);
            if (!(p instanceof LetterboxedImage li)) {
                throw PeregrineException.badInput("image " + i + " was not prepared by a YoloDetector ("
                        + (p == null ? "null" : p.getClass().getSimpleName()) + ")");
            }
            if (li.isClosed()) {
                throw PeregrineException.badInput("image " + i + " is already closed");
            }
            if (li.width() != width || li.height() != height) {
                throw PeregrineException.badInput("image " + i + " is letterboxed to " + li.width() + "x"
                        + li.height() + " but the model input is " + width + "x" + height);
            }
            out.add(li);
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
