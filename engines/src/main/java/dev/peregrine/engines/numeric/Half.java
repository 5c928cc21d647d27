package dev.peregrine.engines.numeric;

import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * IEEE 754 binary16 (FP16) conversion, the one the whole project uses: checkpoint storages (FP16 weights), the FP16
 * precision pass (saturating, so that a converted weight never becomes infinite) and engines with FP16 inputs or
 * outputs. Java 17 has no {@code Float.floatToFloat16}; this is the standard bit-level conversion with
 * round-to-nearest-even.
 */
public final class Half {
    /** Largest finite FP16 value. */
    public static final float MAX = 65504f;

    private Half() {
    }

    /** The float value of the half-precision bits {@code h}. Exact (every half is a float). */
    public static float toFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            // Infinity or NaN: keep the payload's top bits.
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            // Subnormal half: value = mant * 2^-24, exactly representable as a normal float.
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** The half-precision bits nearest to {@code f} (ties to even); overflow gives infinity, NaN stays NaN. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign; // below half the smallest subnormal: rounds to zero
            }
            // Subnormal result: shift the mantissa (with its implicit 1) into place, rounding to nearest even.
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >>> shift;
            int rem = m & ((1 << shift) - 1);
            int midpoint = 1 << (shift - 1);
            if (rem > midpoint || (rem == midpoint && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
            half++; // may carry into the exponent, up to infinity: that is the correct rounding
        }
        return (short) (sign | half);
    }

    /** Converts {@code n} halves from {@code src}'s position into {@code dst} from its position; positions advance. */
    public static void toFloats(ShortBuffer src, FloatBuffer dst, int n) {
        for (int i = 0; i < n; i++) {
            dst.put(toFloat(src.get()));
        }
    }

    /** Converts {@code n} floats from {@code src}'s position into {@code dst} from its position; positions advance. */
    public static void fromFloats(FloatBuffer src, ShortBuffer dst, int n) {
        for (int i = 0; i < n; i++) {
            dst.put(fromFloat(src.get()));
        }
    }

    /**
     * Like {@link #fromFloat} but finite values beyond the FP16 range saturate to ±{@link #MAX} (weights);
     * infinities and NaN stay what they are.
     */
    public static short fromFloatSaturating(float f) {
        if (Float.isFinite(f) && Math.abs(f) > MAX) {
            return fromFloat(Math.copySign(MAX, f));
        }
        return fromFloat(f);
    }

    /** {@code f} rounded through FP16 (saturating) and back: what an FP16 weight tensor would hold. */
    public static float round(float f) {
        return toFloat(fromFloatSaturating(f));
    }
}
