package dev.peregrine.exporter.precision;

import java.nio.FloatBuffer;

/**
 * Accumulates the values one activation takes over the calibration images and turns them into a symmetric
 * clipping threshold {@code amax} (the int8 scale is then {@code amax / 127}).
 *
 * <p>Percentile and entropy use a histogram of |x| with 2048 bins whose range doubles (merging bin pairs) when a
 * larger value arrives, so a single pass over the images suffices and memory stays fixed per tensor.
 */
final class RangeObserver {
    static final int BINS = 2048;
    private final CalibrationMethod method;
    private final double percentile;
    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;
    private long[] hist;
    private double range; // upper edge of the histogram

    RangeObserver(CalibrationMethod method, double percentile) {
        this.method = method;
        this.percentile = percentile;
    }

    /** Adds one tensor's values (consumes the buffer). */
    void observe(FloatBuffer data) {
        int start = data.position();
        float lo = min;
        float hi = max;
        float amax = 0;
        for (int i = start; i < data.limit(); i++) {
            float v = data.get(i);
            if (v < lo) {
                lo = v;
            }
            if (v > hi) {
                hi = v;
            }
        }
        min = lo;
        max = hi;
        amax = Math.max(Math.abs(lo), Math.abs(hi));
        if (method != CalibrationMethod.MINMAX && amax > 0) {
            grow(amax);
            double scale = BINS / range;
            for (int i = start; i < data.limit(); i++) {
                int b = (int) (Math.abs(data.get(i)) * scale);
                hist[Math.min(b, BINS - 1)]++;
            }
        }
        data.position(data.limit());
    }

    /** Makes the histogram cover {@code amax}, doubling its range and merging bin pairs as often as needed. */
    private void grow(float amax) {
        if (hist == null) {
            hist = new long[BINS];
            range = amax;
            return;
        }
        while (amax > range) {
            long[] merged = new long[BINS];
            for (int i = 0; i < BINS; i++) {
                merged[i / 2] += hist[i];
            }
            hist = merged;
            range *= 2;
        }
    }

    /** Smallest value seen. */
    float min() {
        return min;
    }

    /** Largest value seen. */
    float max() {
        return max;
    }

    /** The clipping threshold by the configured method; 0 when nothing non-zero was seen. */
    double amax() {
        double absMax = Math.max(Math.abs(min), Math.abs(max));
        if (!(absMax > 0) || Double.isInfinite(absMax)) {
            return Double.isInfinite(absMax) ? 0 : absMax;
        }
        return switch (method) {
            case MINMAX -> absMax;
            case PERCENTILE -> Math.min(absMax, percentileThreshold());
            case ENTROPY -> Math.min(absMax, entropyThreshold());
        };
    }

    private double binWidth() {
        return range / BINS;
    }

    private double percentileThreshold() {
        long total = 0;
        for (long c : hist) {
            total += c;
        }
        double target = total * percentile / 100.0;
        long acc = 0;
        for (int i = 0; i < BINS; i++) {
            acc += hist[i];
            if (acc >= target) {
                return (i + 1) * binWidth();
            }
        }
        return range;
    }

    /**
     * TensorRT's entropy calibration: for each candidate threshold (128..2048 bins), compare the clipped reference
     * distribution P (outliers folded into the last bin) with Q, its quantization into 128 levels spread back over
     * the non-empty bins, and keep the threshold with the smallest KL(P || Q).
     */
    private double entropyThreshold() {
        final int levels = 128;
        double bestKl = Double.POSITIVE_INFINITY;
        int best = BINS;
        double[] p = new double[BINS];
        double[] q = new double[BINS];
        for (int i = levels; i <= BINS; i++) {
            long outliers = 0;
            for (int k = i; k < BINS; k++) {
                outliers += hist[k];
            }
            for (int k = 0; k < i; k++) {
                p[k] = hist[k];
            }
            p[i - 1] += outliers;
            // quantize hist[0:i] into `levels` groups, then expand each group evenly over its non-empty bins
            double step = (double) i / levels;
            for (int j = 0; j < levels; j++) {
                int from = (int) Math.floor(j * step);
                int to = j == levels - 1 ? i : (int) Math.floor((j + 1) * step);
                double sum = 0;
                int nonEmpty = 0;
                for (int k = from; k < to; k++) {
                    sum += hist[k];
                    nonEmpty += hist[k] != 0 ? 1 : 0;
                }
                for (int k = from; k < to; k++) {
                    q[k] = hist[k] != 0 ? sum / nonEmpty : 0;
                }
            }
            double kl = klDivergence(p, q, i);
            if (kl < bestKl) {
                bestKl = kl;
                best = i;
            }
        }
        return (best + 0.5) * binWidth();
    }

    /** KL(P || Q) of the first {@code n} bins, both normalised; bins where P is 0 contribute nothing. */
    private static double klDivergence(double[] p, double[] q, int n) {
        double sp = 0;
        double sq = 0;
        for (int k = 0; k < n; k++) {
            sp += p[k];
            sq += q[k];
        }
        if (sp == 0 || sq == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double kl = 0;
        for (int k = 0; k < n; k++) {
            if (p[k] > 0) {
                double pk = p[k] / sp;
                double qk = q[k] / sq;
                // a value P has but Q lost (empty quantization group) is heavily penalised rather than infinite
                kl += pk * Math.log(pk / (qk > 0 ? qk : 1e-12));
            }
        }
        return kl;
    }
}
