package dev.peregrine.exporter.precision;

/**
 * IEEE 754 binary16 conversions (Java 17 has no {@code Float.floatToFloat16}). Rounding is to nearest, ties to
 * even; finite values beyond the FP16 range saturate to ±65504 rather than becoming infinite, so that a converted
 * weight can never turn a finite activation into inf/NaN.
 */
public final class Half {
    /** Largest finite FP16 value. */
    public static final float MAX = 65504f;

    private Half() {
    }

    /** The FP16 bit pattern nearest to {@code f} (saturating, NaN and infinities kept). */
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
            return (short) (sign | 0x7bff);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            // subnormal: shift the significand (with its implicit bit) into the 10-bit field
            mant |= 0x800000;
            int shift = 14 - e;
            int half = mant >>> shift;
            int rem = mant & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rem > halfway || (rem == halfway && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
            half++; // may carry into the exponent, which is the correct result
        }
        if ((half & 0x7c00) == 0x7c00) {
            return (short) (sign | 0x7bff);
        }
        return (short) (sign | half);
    }

    /** The float value of FP16 bits. */
    public static float toFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** {@code f} rounded through FP16 and back: what an FP16 tensor would hold. */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }
}
