package dev.peregrine.exporter.pt;

/** IEEE 754 binary16 to float32 conversion (Java 17 has no {@code Float.float16ToFloat}). Every half is exact. */
final class HalfFloats {
    private HalfFloats() {
    }

    /** Converts the 16 bits of a half-precision value to the float32 of equal value (NaN payloads kept). */
    static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            // Zero or subnormal: mant * 2^-24 is exact in float32.
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
