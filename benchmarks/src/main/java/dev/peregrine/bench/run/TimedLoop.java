package dev.peregrine.bench.run;

import dev.peregrine.bench.LatencyRecorder;
import dev.peregrine.bench.LatencyStats;
import java.time.Duration;

/**
 * Runs a call repeatedly for a wall-clock time: a warm-up (at least one call, nothing recorded), then one or more
 * measuring slices (at least one call each) whose calls are recorded into an {@link Accumulator}. A slow call makes
 * a phase end late rather than be cut. Several slices into one accumulator let {@link Interleaved} alternate
 * subjects, so that a load change on a shared machine hits all of them alike.
 */
public final class TimedLoop {
    /** How often at most the progress listener hears of a loop. */
    private static final long PROGRESS_NANOS = 200_000_000L;

    private TimedLoop() {
    }

    /** One call of the measured operation. */
    @FunctionalInterface
    public interface Call {
        /**
         * Runs once.
         *
         * @param measured false during the warm-up, so that a caller can keep per-stage totals of measured calls
         * @return number of images the call processed
         */
        int run(boolean measured) throws Exception;
    }

    /**
     * What the measuring phase saw.
     *
     * @param images  images processed
     * @param calls   calls made
     * @param seconds wall time spent measuring
     * @param latency latency of one call
     */
    public record Result(long images, long calls, double seconds, LatencyStats latency) {
        /** Images per second. */
        public double imagesPerSecond() {
            return seconds > 0 ? images / seconds : Double.NaN;
        }
    }

    /** Collects the measured calls of one subject over any number of slices. Not thread-safe. */
    public static final class Accumulator {
        private final LatencyRecorder latencies = new LatencyRecorder(1024);
        private long images;
        private long nanos;

        /** The figures so far. */
        public Result result() {
            return new Result(images, latencies.count(), nanos / 1e9, latencies.stats());
        }
    }

    /** Warms up, then measures in one slice. */
    public static Result run(String label, Duration warmUp, Duration measure, Call call, BenchProgress progress)
            throws Exception {
        warmUp(label, warmUp, call, progress);
        Accumulator acc = new Accumulator();
        measure(label, measure, measure, 0, call, progress, acc);
        return acc.result();
    }

    /** Calls {@code call} for {@code length} (at least once) without recording. */
    public static void warmUp(String label, Duration length, Call call, BenchProgress progress) throws Exception {
        phase(label, true, length, length, 0, call, progress, null);
    }

    /**
     * Measures one slice of {@code length} into {@code acc}.
     *
     * @param total    the subject's whole measuring time, for progress
     * @param doneSoFar measuring time already spent on the subject, for progress
     */
    public static void measure(String label, Duration length, Duration total, double doneSoFar, Call call,
            BenchProgress progress, Accumulator acc) throws Exception {
        phase(label, false, length, total, doneSoFar, call, progress, acc);
    }

    private static void phase(String label, boolean warmUp, Duration length, Duration total, double doneSoFar,
            Call call, BenchProgress progress, Accumulator acc) throws Exception {
        long budget = length.toNanos();
        long start = System.nanoTime();
        long lastReport = start;
        long images = 0;
        long now;
        do {
            long t0 = System.nanoTime();
            images += call.run(!warmUp);
            now = System.nanoTime();
            if (acc != null) {
                acc.latencies.add(now - t0);
            }
            if (now - lastReport >= PROGRESS_NANOS) {
                lastReport = now;
                progress.measuring(label, warmUp, doneSoFar + (now - start) / 1e9, total.toNanos() / 1e9,
                        images);
            }
        } while (now - start < budget);
        if (acc != null) {
            acc.images += images;
            acc.nanos += now - start;
        }
    }
}
