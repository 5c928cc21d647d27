package dev.peregrine.bench.run;

import dev.peregrine.bench.report.Stage;
import dev.peregrine.engines.Engine;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.image.ImageDecoder;
import dev.peregrine.engines.image.InputBatch;
import dev.peregrine.engines.image.LetterboxedImage;
import dev.peregrine.engines.pipeline.YoloDetector;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Peregrine at the stage a peer can be compared at when the peer's own decoding is wrong: decode, letterbox, fill
 * the input tensor ({@link InputBatch#put}) and run the engine, without decoding outputs or NMS.
 * Owns its input batch; the engine belongs to the caller.
 */
public final class StageBench implements AutoCloseable {
    private final Engine engine;
    private final List<EncodedImage> images;
    private final InputBatch batch;
    private int next;

    /**
     * @param engine an open engine (not taken over)
     * @param images images to cycle through
     */
    public StageBench(Engine engine, List<EncodedImage> images) {
        this.engine = engine;
        this.images = images;
        this.batch = new InputBatch(engine.maxBatch(), engine.info().inputHeight(), engine.info().inputWidth());
    }

    /** Variant name for reports. */
    public static final String VARIANT = "ImageDecoder + LetterboxedImage + InputBatch + Engine.run";

    /** The decode + pre-process + run call at {@code size} images as a comparison subject. */
    public Subject subject(int size) {
        if (size > engine.maxBatch()) {
            throw new IllegalArgumentException("batch " + size + " exceeds the engine's " + engine.maxBatch());
        }
        return new Subject("peregrine", VARIANT, Stage.PRE_AND_RUN, size, measured -> call(size));
    }

    private int call(int size) throws PeregrineException {
        int w = engine.info().inputWidth();
        int h = engine.info().inputHeight();
        for (int slot = 0; slot < size; slot++) {
            EncodedImage img = images.get(next);
            next = (next + 1) % images.size();
            try (Mat bgr = ImageDecoder.decode(img.bytes(), YoloDetector.DEFAULT_MAX_PIXELS);
                 LetterboxedImage li = LetterboxedImage.of(bgr, w, h)) {
                batch.put(slot, li);
            }
        }
        engine.run(batch.buffer(), size);
        return size;
    }

    @Override
    public void close() {
        batch.close();
    }
}
