package dev.peregrine.engines.numeric;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** FP16 rounding against IEEE 754 binary16 bit patterns. */
class HalfSaturatingTest {

    @Test
    void knownBitPatterns() {
        assertThat(Half.fromFloatSaturating(1f)).isEqualTo((short) 0x3c00);
        assertThat(Half.fromFloatSaturating(-2f)).isEqualTo((short) 0xc000);
        assertThat(Half.fromFloatSaturating(65504f)).isEqualTo((short) 0x7bff);
        assertThat(Half.fromFloatSaturating(0x1p-24f)).isEqualTo((short) 0x0001); // smallest subnormal
        assertThat(Half.fromFloatSaturating(0x1p-14f)).isEqualTo((short) 0x0400); // smallest normal
        assertThat(Half.fromFloatSaturating(0f)).isEqualTo((short) 0);
        assertThat(Half.fromFloatSaturating(Float.POSITIVE_INFINITY)).isEqualTo((short) 0x7c00);
        assertThat(Half.toFloat(Half.fromFloatSaturating(Float.NaN))).isNaN();
    }

    @Test
    void roundsToNearestEvenAndSaturates() {
        // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties to the even significand, 1
        assertThat(Half.round(1f + 0x1p-11f)).isEqualTo(1f);
        // 1 + 3 * 2^-11 lies halfway between 1 + 2^-10 and 1 + 2^-9: ties to 1 + 2^-9
        assertThat(Half.round(1f + 3 * 0x1p-11f)).isEqualTo(1f + 0x1p-9f);
        assertThat(Half.round(300.1f)).isEqualTo(300f);
        assertThat(Half.round(1e6f)).isEqualTo(65504f);
        assertThat(Half.round(-1e6f)).isEqualTo(-65504f);
        assertThat(Half.round(1e-9f)).isEqualTo(0f);
        for (int bits = 0; bits < 0x7c00; bits++) {
            float f = Half.toFloat((short) bits);
            assertThat(Half.fromFloatSaturating(f)).isEqualTo((short) bits);
        }
    }
}
