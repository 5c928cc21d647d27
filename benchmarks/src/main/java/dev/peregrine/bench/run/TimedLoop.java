package dev.peregrine.bench.run;

import dev.peregrine.bench.LatencyRecorder;
import dev.peregrine.bench.LatencyStats;
import java.time.Duration;

/**
 * Runs a call repeatedly: first for the warm-up time (at least once, results dropped), then for the measuring
 * time (at least once), recording the latency of every measured call. Wall time decides both phases, so a slow call
 * makes the phase end late rather than be cut.
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
     * @param seconds wall time of the phase
     * @param latency latency of one call
     */
    public record Result(long images, long calls, double seconds, LatencyStats latency) {
        /** Images per second. */
        public double imagesPerSecond() {
            return seconds > 0 ? images / seconds : Double.NaN;
        }
    }

    /** Warms up, then measures. */
    public static Result run(String label, Duration warmUp, Duration measure, Call call, BenchProgress progress)
            throws Exception {
        phase(label, true, warmUp, call, progress, null);
        LatencyRecorder latencies = new LatencyRecorder(1024);
        long[] totals = phase(label, false, measure, call, progress, latencies);
        return new Result(totals[0], latencies.count(), totals[1] / 1e9, latencies.stats());
    }

    /** Runs one phase; returns {images, elapsed nanos}. */
    private static long[] phase(String label, boolean warmUp, Duration length, Call call, BenchProgress progress,
            LatencyRecorder latencies) throws Exception {
        long budget = length.toNanos();
        long start = System.nanoTime();
        long lastReport = start;
        long images = 0;
        long now;
        do {
            long t0 = System.nanoTime();
            images += call.run(!warmUp);
            now = System.nanoTime();
            if (latencies != null) {
                latencies.add(now - t0);
            }
            if (now - lastReport >= PROGRESS_NANOS) {
                lastReport = now;
                progress.measuring(label, warmUp, (now - start) / 1e9, budget / 1e9, images);
            }
        } while (now - start < budget);
        return new long[] {images, now - start};
    }
}
