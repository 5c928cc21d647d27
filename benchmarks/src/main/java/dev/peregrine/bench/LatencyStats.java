package dev.peregrine.bench;

import java.util.Arrays;

/**
 * Summary of a set of latencies in milliseconds. Percentiles interpolate linearly between the two nearest ranks
 * (NumPy's default {@code linear} method), so {@code p50} of {1, 2, 3, 4} is 2.5.
 *
 * @param count number of samples
 * @param meanMs arithmetic mean
 * @param p50Ms median
 * @param p90Ms 90th percentile
 * @param p99Ms 99th percentile
 * @param minMs smallest sample
 * @param maxMs largest sample
 */
public record LatencyStats(long count, double meanMs, double p50Ms, double p90Ms, double p99Ms, double minMs,
        double maxMs) {

    /** No samples: every figure is NaN. */
    public static final LatencyStats EMPTY = new LatencyStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN);

    /** Summarises the first {@code n} values of {@code nanos} (not modified). */
    public static LatencyStats ofNanos(long[] nanos, int n) {
        if (n < 0 || n > nanos.length) {
            throw new IllegalArgumentException("n = " + n + " outside 0.." + nanos.length);
        }
        if (n == 0) {
            return EMPTY;
        }
        long[] sorted = Arrays.copyOf(nanos, n);
        Arrays.sort(sorted);
        double sum = 0;
        for (long v : sorted) {
            sum += v;
        }
        return new LatencyStats(n, sum / n / 1e6, percentile(sorted, 50) / 1e6, percentile(sorted, 90) / 1e6,
                percentile(sorted, 99) / 1e6, sorted[0] / 1e6, sorted[n - 1] / 1e6);
    }

    /**
     * The {@code p}-th percentile (0..100) of ascending {@code sorted} values, interpolating linearly between the
     * closest ranks.
     *
     * @throws IllegalArgumentException for an empty array or {@code p} outside 0..100
     */
    public static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("percentile of no values");
        }
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in 0..100, got " + p);
        }
        double rank = p / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        double frac = rank - lo;
        return sorted[lo] + (sorted[hi] - (double) sorted[lo]) * frac;
    }
}
