package dev.peregrine.server.model;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.Detector;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import dev.peregrine.engines.PreparedImage;
import dev.peregrine.engines.Task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A detector without an engine: each image yields one detection whose class id is the image's id and whose score
 * is the requested {@code conf}, so tests can see which options reached which image.
 */
final class FakeDetector implements Detector {
    static final ModelInfo INFO = new ModelInfo(List.of("thing"), Task.DETECT, 64, 96, 32, -1, false, null, 3,
            Precision.FP32, "onnx", Map.of());

    final int maxBatch;
    /** Events in order: "detect:N" per detect call, "close" on close. */
    final List<String> events;
    final AtomicInteger closes = new AtomicInteger();
    final List<Integer> preparedSizes = new CopyOnWriteArrayList<>();
    /** Called with the batch size at the start of every detect(); may throw to simulate a failure. */
    volatile IntConsumer onDetect = n -> { };
    volatile PeregrineException failDetect;
    private final AtomicInteger nextId = new AtomicInteger(1000);

    FakeDetector(int maxBatch, List<String> events) {
        this.maxBatch = maxBatch;
        this.events = events;
    }

    @Override
    public ModelInfo info() {
        return INFO;
    }

    @Override
    public int maxBatch() {
        return maxBatch;
    }

    @Override
    public PreparedImage prepare(byte[] encoded) throws PeregrineException {
        if (encoded.length == 0) {
            throw PeregrineException.badInput("empty image");
        }
        preparedSizes.add(encoded.length);
        return new FakeImage(nextId.getAndIncrement(), encoded.length);
    }

    @Override
    public List<List<Detection>> detect(List<? extends PreparedImage> images, DetectOptions options)
            throws PeregrineException {
        events.add("detect:" + images.size());
        onDetect.accept(images.size());
        if (failDetect != null) {
            throw failDetect;
        }
        List<List<Detection>> out = new ArrayList<>();
        for (PreparedImage img : images) {
            FakeImage f = (FakeImage) img;
            if (f.closes.get() > 0) {
                throw new IllegalStateException("image " + f.id + " used after close");
            }
            out.add(List.of(new Detection(0, 0, 1, 1, options.conf(), f.id)));
        }
        return out;
    }

    @Override
    public void close() {
        closes.incrementAndGet();
        events.add("close");
    }

    /** A prepared image that counts its closes. */
    static final class FakeImage implements PreparedImage {
        final int id;
        final long bytes;
        final AtomicInteger closes = new AtomicInteger();

        FakeImage(int id, long bytes) {
            this.id = id;
            this.bytes = bytes;
        }

        @Override
        public int originalWidth() {
            return 96;
        }

        @Override
        public int originalHeight() {
            return 64;
        }

        @Override
        public long bytes() {
            return bytes;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }
}
