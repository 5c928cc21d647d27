package dev.peregrine.exporter.precision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Clipping thresholds of the three calibration methods on distributions with known answers. */
class RangeObserverTest {

    /** 100,000 values uniform in [-1, 1] plus one outlier at 50, fed in several batches. */
    private static RangeObserver observe(CalibrationMethod method, double percentile) {
        RangeObserver o = new RangeObserver(method, percentile);
        SplittableRandom r = new SplittableRandom(7);
        for (int batch = 0; batch < 10; batch++) {
            float[] v = new float[10_000];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextDouble() * 2 - 1);
            }
            if (batch == 9) {
                v[0] = 50f;
            }
            o.observe(FloatBuffer.wrap(v));
        }
        return o;
    }

    @Test
    void minmaxTakesTheLargestMagnitude() {
        RangeObserver o = observe(CalibrationMethod.MINMAX, 99.99);
        assertThat(o.amax()).isEqualTo(50.0);
        assertThat(o.min()).isCloseTo(-1f, within(1e-3f));
    }

    @Test
    void percentileClipsTheOutlier() {
        // 99.9 % of |x| lies below 0.999; the histogram grew to cover 50 (bins of ~0.05 after doubling)
        double t = observe(CalibrationMethod.PERCENTILE, 99.9).amax();
        assertThat(t).isBetween(0.95, 1.1);
    }

    @Test
    void entropyClipsALongTailButKeepsTheBulk() {
        // Laplace-distributed values (scale 0.1, |x| above 1 once in 20,000) plus one outlier at 50: 8-bit steps
        // over the full range would merge the whole bulk into a couple of levels, so KL prefers to clip
        RangeObserver o = new RangeObserver(CalibrationMethod.ENTROPY, 99.99);
        SplittableRandom r = new SplittableRandom(11);
        for (int batch = 0; batch < 10; batch++) {
            float[] v = new float[10_000];
            for (int i = 0; i < v.length; i++) {
                double e = -0.1 * Math.log(1 - r.nextDouble());
                v[i] = (float) (r.nextBoolean() ? e : -e);
            }
            if (batch == 9) {
                v[0] = 50f;
            }
            o.observe(FloatBuffer.wrap(v));
        }
        assertThat(o.amax()).isBetween(0.3, 5.0);
    }

    @Test
    void entropyKeepsTheRangeOfAUniformBulk() {
        // a uniform bulk quantizes well at any threshold covering it: no reason to clip at 1
        assertThat(observe(CalibrationMethod.ENTROPY, 99.99).amax()).isGreaterThan(1.0);
    }

    @Test
    void allZeroTensorsGiveZero() {
        RangeObserver o = new RangeObserver(CalibrationMethod.ENTROPY, 99.99);
        o.observe(FloatBuffer.wrap(new float[16]));
        assertThat(o.amax()).isZero();
    }
}
