package dev.peregrine.engines.trt;

import java.util.Arrays;

/**
 * The shapes one input of a TensorRT optimization profile accepts: every dimension of a run lies between
 * {@code min} and {@code max}; TensorRT tunes its kernels for {@code opt}.
 *
 * @param min smallest shape
 * @param opt shape the kernels are tuned for
 * @param max largest shape; buffers are sized for it
 */
public record ShapeProfile(long[] min, long[] opt, long[] max) {

    /**
     * @throws IllegalArgumentException when ranks differ, a dimension is below 1, or min &lt;= opt &lt;= max fails
     */
    public ShapeProfile {
        min = min.clone();
        opt = opt.clone();
        max = max.clone();
        if (min.length != opt.length || opt.length != max.length) {
            throw new IllegalArgumentException("profile shapes differ in rank: min " + Arrays.toString(min) + ", opt "
                    + Arrays.toString(opt) + ", max " + Arrays.toString(max));
        }
        for (int i = 0; i < min.length; i++) {
            if (min[i] < 1 || !(min[i] <= opt[i] && opt[i] <= max[i])) {
                throw new IllegalArgumentException("profile dimension " + i + " must satisfy 1 <= min <= opt <= max, got min "
                        + Arrays.toString(min) + ", opt " + Arrays.toString(opt) + ", max " + Arrays.toString(max));
            }
        }
    }

    /** A profile that admits exactly one shape. */
    public static ShapeProfile fixed(long[] shape) {
        return new ShapeProfile(shape, shape, shape);
    }

    @Override
    public long[] min() {
        return min.clone();
    }

    @Override
    public long[] opt() {
        return opt.clone();
    }

    @Override
    public long[] max() {
        return max.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return min.length;
    }

    /** True when min, opt and max are the same shape. */
    public boolean isFixed() {
        return Arrays.equals(min, max);
    }

    /** True when {@code shape} lies within min..max in every dimension. */
    public boolean admits(long[] shape) {
        if (shape.length != min.length) {
            return false;
        }
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < min[i] || shape[i] > max[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShapeProfile p && Arrays.equals(p.min, min) && Arrays.equals(p.opt, opt)
                && Arrays.equals(p.max, max);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(min) * 31 * 31 + Arrays.hashCode(opt) * 31 + Arrays.hashCode(max);
    }

    @Override
    public String toString() {
        return "min " + Shapes.format(min) + ", opt " + Shapes.format(opt) + ", max " + Shapes.format(max);
    }
}
