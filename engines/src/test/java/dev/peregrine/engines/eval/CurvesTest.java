package dev.peregrine.engines.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The NumPy-compatible numerics, against values computed with NumPy 2.4 from Ultralytics' own functions. */
class CurvesTest {

    @Test
    void computeApMatchesUltralytics() {
        assertThat(Curves.computeAp(new double[] {0.25, 0.25, 0.5, 0.5, 0.75},
                new double[] {1.0, 0.5, 2.0 / 3, 0.5, 0.6}, 5)).isCloseTo(0.6396666666666667, within(1e-12));
        // recall reaching exactly 1 meets the sentinel precision 0 at the last grid point: 0.995, not 1
        assertThat(Curves.computeAp(new double[] {0.5, 1.0}, new double[] {1.0, 1.0}, 2))
                .isCloseTo(0.995, within(1e-12));
        assertThat(Curves.computeAp(new double[] {0, 0}, new double[] {0, 0}, 2)).isZero();
    }

    @Test
    void interpTakesTheLastOfEqualSamplePoints() {
        double[] xp = {0, 1, 1, 2};
        double[] fp = {0, 5, 7, 9};
        double[] expected = {-1, 0, 2.5, 7, 8, 9, 10};
        double[] xs = {-0.5, 0, 0.5, 1, 1.5, 2, 3};
        for (int i = 0; i < xs.length; i++) {
            assertThat(Curves.interp(xs[i], xp, fp, 4, -1, 10)).as("x=" + xs[i]).isEqualTo(expected[i]);
        }
    }

    @Test
    void smoothIsAnEdgePaddedBoxFilter() {
        double[] y = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        double[] s = Curves.smooth(y, 0.2);
        assertThat(s[0]).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(s[5]).isCloseTo(5, within(1e-12));
        assertThat(s[10]).isCloseTo(29.0 / 3, within(1e-12));
        assertThat(Curves.argmax(new double[] {1, 3, 3, 2})).isEqualTo(1);
    }
}
