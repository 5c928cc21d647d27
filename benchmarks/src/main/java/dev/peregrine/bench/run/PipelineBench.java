package dev.peregrine.bench.run;

import dev.peregrine.bench.report.Stage;
import dev.peregrine.bench.report.StageMillis;
import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.image.ImageDecoder;
import dev.peregrine.engines.image.LetterboxedImage;
import dev.peregrine.engines.pipeline.YoloDetector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Peregrine's detector end to end, as a timed call: each call takes the next {@code batch} encoded images
 * (cycling through the set), decodes and letterboxes them exactly as {@link YoloDetector#prepare} does (split here
 * only to time the two steps apart) and runs {@link YoloDetector#detect} on the batch (tensor fill, engine,
 * decoding and NMS). Measured calls add their stage times to per-batch totals, read with {@link #stages}.
 * Not thread-safe: one measuring thread.
 */
public final class PipelineBench {
    private final YoloDetector detector;
    private final List<EncodedImage> images;
    private final DetectOptions options;
    private final Map<Integer, long[]> stageNanos = new HashMap<>();
    private int next;

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

    /** The end-to-end call at {@code batch} as a subject named {@code subject} / {@code variant}. */
    public Subject subject(String subject, String variant, int batch) {
        return new Subject(subject, variant, Stage.END_TO_END, batch, measured -> call(batch, measured));
    }

    /** Mean milliseconds per image of each stage over the measured calls at {@code batch}. */
    public StageMillis stages(int batch, long images) {
        long[] t = stageNanos.getOrDefault(batch, new long[3]);
        double n = images;
        return new StageMillis(t[0] / 1e6 / n, t[1] / 1e6 / n, t[2] / 1e6 / n);
    }

    private int call(int batch, boolean measured) throws PeregrineException {
        long[] totals = stageNanos.computeIfAbsent(batch, b -> new long[3]);
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
                        totals[0] += t1 - t0;
                        totals[1] += t2 - t1;
                    }
                } catch (PeregrineException e) {
                    throw new PeregrineException(e.code(), img.name() + ": " + e.getMessage(), e);
                }
            }
            long t3 = System.nanoTime();
            detector.detect(prepared, options);
            if (measured) {
                totals[2] += System.nanoTime() - t3;
            }
            return batch;
        } finally {
            prepared.forEach(LetterboxedImage::close);
        }
    }
}
