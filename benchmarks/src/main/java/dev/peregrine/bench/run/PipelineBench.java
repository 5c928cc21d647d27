package dev.peregrine.bench.run;

import dev.peregrine.bench.report.BenchRow;
import dev.peregrine.bench.report.RowStatus;
import dev.peregrine.bench.report.StageMillis;
import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.image.ImageDecoder;
import dev.peregrine.engines.image.LetterboxedImage;
import dev.peregrine.engines.pipeline.YoloDetector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Measures Peregrine's detector end to end at one batch size: each call takes the next {@code batch} encoded
 * images (cycling through the set), decodes and letterboxes them exactly as {@link YoloDetector#prepare} does
 * (split here only to time the two steps apart) and runs {@link YoloDetector#detect} on the batch (tensor fill,
 * engine, decoding and NMS).
 */
public final class PipelineBench {
    private final YoloDetector detector;
    private final List<EncodedImage> images;
    private final DetectOptions options;
    private int next;
    private long decodeNanos;
    private long letterboxNanos;
    private long inferNanos;

    /**
     * @param detector an open detector whose max batch covers the batches measured
     * @param images   the images to cycle through
     * @param options  post-processing settings (Ultralytics predict defaults in bench)
     */
    public PipelineBench(YoloDetector detector, List<EncodedImage> images, DetectOptions options) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images");
        }
        this.detector = detector;
        this.images = images;
        this.options = options;
    }

    /**
     * Measures {@code batch}.
     *
     * @param format format id for the row
     * @throws PeregrineException when an image or the engine fails (the caller records the row as failed)
     */
    public BenchRow measure(String format, int batch, Duration warmUp, Duration duration, BenchProgress progress)
            throws Exception {
        decodeNanos = 0;
        letterboxNanos = 0;
        inferNanos = 0;
        String label = format + " batch " + batch;
        TimedLoop.Result r = TimedLoop.run(label, warmUp, duration, measured -> call(batch, measured), progress);
        double n = r.images();
        StageMillis stages = new StageMillis(decodeNanos / 1e6 / n, letterboxNanos / 1e6 / n, inferNanos / 1e6 / n);
        progress.result(String.format(Locale.ROOT, "%-10s batch %-3d %8.1f images/s  p50 %7.2f ms  p99 %7.2f ms  "
                + "(decode %.2f + letterbox %.2f + infer %.2f ms/img)", format, batch, r.imagesPerSecond(),
                r.latency().p50Ms(), r.latency().p99Ms(), stages.decodeMs(), stages.letterboxMs(), stages.inferMs()));
        return new BenchRow(format, batch, RowStatus.OK, "", r.images(), r.seconds(), r.imagesPerSecond(),
                r.latency(), stages, null, null, null, null, null, null);
    }

    /** The end-to-end call at {@code batch} as a comparison subject (stage timings are not kept). */
    public Subject subject(int batch) {
        return new Subject("peregrine", "YoloDetector", dev.peregrine.bench.report.Stage.END_TO_END, batch,
                measured -> call(batch, false));
    }

    private int call(int batch, boolean measured) throws PeregrineException {
        List<LetterboxedImage> prepared = new ArrayList<>(batch);
        int w = detector.info().inputWidth();
        int h = detector.info().inputHeight();
        try {
            for (int i = 0; i < batch; i++) {
                EncodedImage img = images.get(next);
                next = (next + 1) % images.size();
                long t0 = System.nanoTime();
                try (Mat bgr = ImageDecoder.decode(img.bytes(), detector.maxPixels())) {
                    long t1 = System.nanoTime();
                    prepared.add(LetterboxedImage.of(bgr, w, h));
                    long t2 = System.nanoTime();
                    if (measured) {
                        decodeNanos += t1 - t0;
                        letterboxNanos += t2 - t1;
                    }
                } catch (PeregrineException e) {
                    throw new PeregrineException(e.code(), img.name() + ": " + e.getMessage(), e);
                }
            }
            long t3 = System.nanoTime();
            detector.detect(prepared, options);
            if (measured) {
                inferNanos += System.nanoTime() - t3;
            }
            return batch;
        } finally {
            prepared.forEach(LetterboxedImage::close);
        }
    }
}
