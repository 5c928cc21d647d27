package dev.peregrine.server.http;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.Detector;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import dev.peregrine.engines.PreparedImage;
import dev.peregrine.engines.Task;
import dev.peregrine.engines.image.ImageDecoder;
import dev.peregrine.engines.image.ImageHeader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A detector without a model: {@link #prepare} really decodes the image (so corrupt data fails as it would in
 * production) and keeps only its size; {@link #detect} sleeps {@code batchDelayMs} per batch (a slow engine) and
 * returns two fixed boxes per image, relative to the image size, filtered by the options:
 * class 0 ("circle", score 0.9) in the top-left quarter and class 2 ("triangle", score 0.4) in the bottom-right.
 * It counts images it prepared, images still open and images it detected, so tests can check for leaks and for
 * work done for clients that left.
 */
final class FakeDetector implements Detector {
    static final ModelInfo INFO = new ModelInfo(List.of("circle", "square", "triangle"), Task.DETECT, 640, 640, 32,
            -1, false, null, 3, Precision.FP32, "onnx", Map.of());

    final AtomicInteger prepared = new AtomicInteger();
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger detected = new AtomicInteger();
    final AtomicInteger batches = new AtomicInteger();
    final AtomicBoolean closed = new AtomicBoolean();
    private final long batchDelayMs;

    FakeDetector(long batchDelayMs) {
        this.batchDelayMs = batchDelayMs;
    }

    /** Forgets the registry's warm-up batch, so that tests count only their own requests. */
    void resetCounters() {
        prepared.set(0);
        detected.set(0);
        batches.set(0);
    }

    /** The two boxes the fake finds in a {@code w x h} image, before filtering. */
    static List<Detection> boxes(int w, int h) {
        return List.of(new Detection(0.1f * w, 0.1f * h, 0.5f * w, 0.5f * h, 0.9f, 0),
                new Detection(0.5f * w, 0.5f * h, 0.9f * w, 0.9f * h, 0.4f, 2));
    }

    @Override
    public ModelInfo info() {
        return INFO;
    }

    @Override
    public int maxBatch() {
        return 8;
    }

    @Override
    public PreparedImage prepare(byte[] encoded) throws PeregrineException {
        ImageHeader header = ImageDecoder.probe(encoded);
        try (Mat decoded = ImageDecoder.decode(encoded, Long.MAX_VALUE)) {
            prepared.incrementAndGet();
            open.incrementAndGet();
            return new FakeImage(header.width(), header.height());
        }
    }

    @Override
    public List<List<Detection>> detect(List<? extends PreparedImage> images, DetectOptions options)
            throws PeregrineException {
        if (closed.get()) {
            throw new IllegalStateException("detector is closed");
        }
        batches.incrementAndGet();
        if (batchDelayMs > 0) {
            try {
                Thread.sleep(batchDelayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<List<Detection>> out = new ArrayList<>();
        for (PreparedImage p : images) {
            FakeImage img = (FakeImage) p;
            if (img.closed) {
                throw new IllegalStateException("detect on a closed image");
            }
            detected.incrementAndGet();
            List<Detection> kept = new ArrayList<>();
            for (Detection d : boxes(img.width, img.height)) {
                boolean keep = d.score() >= options.conf() && options.acceptsClass(d.classId());
                if (keep && kept.size() < options.maxDet()) {
                    kept.add(d);
                }
            }
            out.add(kept);
        }
        return out;
    }

    @Override
    public void close() {
        closed.set(true);
    }

    /** A prepared image that holds nothing but counts its closing. */
    final class FakeImage implements PreparedImage {
        final int width;
        final int height;
        volatile boolean closed;

        FakeImage(int width, int height) {
            this.width = width;
            this.height = height;
        }

        @Override
        public int originalWidth() {
            return width;
        }

        @Override
        public int originalHeight() {
            return height;
        }

        @Override
        public long bytes() {
            return 640L * 640 * 3;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                open.decrementAndGet();
            }
        }
    }
}
