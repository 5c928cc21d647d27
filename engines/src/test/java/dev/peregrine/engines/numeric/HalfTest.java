package dev.peregrine.engines.numeric;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import org.junit.jupiter.api.Test;

class HalfTest {
    @Test
    void knownValues() {
        assertThat(Half.toFloat((short) 0x3c00)).isEqualTo(1f);
        assertThat(Half.toFloat((short) 0xc000)).isEqualTo(-2f);
        assertThat(Half.toFloat((short) 0x7bff)).isEqualTo(65504f);
        assertThat(Half.toFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(Half.toFloat((short) 0x0400)).isEqualTo(0x1p-14f);
        assertThat(Half.toFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Half.toFloat((short) 0x7e00)).isNaN();
        assertThat(Float.floatToRawIntBits(Half.toFloat((short) 0x8000))).isEqualTo(0x80000000);
        assertThat(Half.fromFloat(1f)).isEqualTo((short) 0x3c00);
        assertThat(Half.fromFloat(0.1f)).isEqualTo((short) 0x2e66);
        assertThat(Half.fromFloat(65520f)).isEqualTo((short) 0x7c00); // rounds up to infinity
        assertThat(Half.fromFloat(65519f)).isEqualTo((short) 0x7bff);
        assertThat(Half.fromFloat(1e-8f)).isEqualTo((short) 0);
        assertThat(Half.fromFloat(-0f)).isEqualTo((short) 0x8000);
        assertThat(Half.toFloat(Half.fromFloat(Float.NaN))).isNaN();
    }

    @Test
    void everyHalfRoundTripsExactly() {
        for (int h = 0; h < 0x10000; h++) {
            float f = Half.toFloat((short) h);
            if (Float.isNaN(f)) {
                assertThat(Half.toFloat(Half.fromFloat(f))).isNaN();
            } else {
                assertThat(Half.fromFloat(f) & 0xffff).as("half 0x%04x", h).isEqualTo(h);
            }
        }
    }

    /** Between every pair of neighbouring finite halves: below the midpoint rounds down, above up, on it to even. */
    @Test
    void roundsToNearestEvenEverywhereIncludingSubnormals() {
        for (int h = 0; h < 0x7bff; h++) {
            float lo = Half.toFloat((short) h);
            float hi = Half.toFloat((short) (h + 1));
            float mid = (float) (((double) lo + hi) / 2); // exact: 12 significant bits at most
            assertThat((double) mid).isEqualTo(((double) lo + hi) / 2);
            int even = (h & 1) == 0 ? h : h + 1;
            assertThat(Half.fromFloat(mid) & 0xffff).as("midpoint above 0x%04x", h).isEqualTo(even);
            assertThat(Half.fromFloat(Math.nextDown(mid)) & 0xffff).isEqualTo(h);
            assertThat(Half.fromFloat(Math.nextUp(mid)) & 0xffff).isEqualTo(h + 1);
            assertThat(Half.fromFloat(-Math.nextUp(mid)) & 0xffff).isEqualTo((h + 1) | 0x8000);
        }
    }

    @Test
    void bufferConversionsAdvancePositions() {
        FloatBuffer src = FloatBuffer.wrap(new float[] {0.5f, -3f, 1024f});
        ShortBuffer halves = ShortBuffer.allocate(3);
        Half.fromFloats(src, halves, 3);
        FloatBuffer back = FloatBuffer.allocate(3);
        Half.toFloats(halves.flip(), back, 3);
        assertThat(back.array()).containsExactly(0.5f, -3f, 1024f);
        assertThat(src.position()).isEqualTo(3);
    }
}
