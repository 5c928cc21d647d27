package dev.peregrine.bench.run;

import dev.peregrine.bench.report.ComparisonRow;
import dev.peregrine.bench.report.RowStatus;
import dev.peregrine.bench.report.Stage;
import dev.peregrine.engines.Engine;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.image.ImageDecoder;
import dev.peregrine.engines.image.InputBatch;
import dev.peregrine.engines.image.LetterboxedImage;
import dev.peregrine.engines.pipeline.YoloDetector;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
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

    /** Measures {@code size} images per call. */
    public ComparisonRow measure(int size, Duration warmUp, Duration duration, BenchProgress progress)
            throws Exception {
        TimedLoop.Result r = TimedLoop.run("peregrine pre+run batch " + size, warmUp, duration,
                measured -> call(size), progress);
        progress.result(String.format(Locale.ROOT, "peregrine  decode+pre+run batch %-3d %8.1f images/s  p50 %7.2f ms",
                size, r.imagesPerSecond(), r.latency().p50Ms()));
        return new ComparisonRow("peregrine", "ImageDecoder + LetterboxedImage + InputBatch + Engine.run",
                Stage.PRE_AND_RUN, size, RowStatus.OK, "", r.imagesPerSecond(), r.latency());
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
