package dev.peregrine.engines.trt;

import dev.peregrine.engines.PeregrineException;
import java.util.Arrays;

/** Helpers for tensor shapes written as {@code 1x3x640x640}, and element counts with overflow checks. */
public final class Shapes {
    private Shapes() {
    }

    /** Formats a shape as {@code 1x3x640x640}; dynamic dimensions (-1) print as {@code ?}. */
    public static String format(long[] shape) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                b.append('x');
            }
            b.append(shape[i] < 0 ? "?" : Long.toString(shape[i]));
        }
        return b.toString();
    }

    /**
     * Parses {@code 1x3x640x640} (also accepts {@code ,} as separator).
     *
     * @throws PeregrineException BAD_INPUT when a dimension is not a positive integer
     */
    public static long[] parse(String text) throws PeregrineException {
        String t = text.trim();
        if (t.isEmpty()) {
            throw PeregrineException.badInput("empty shape (expected e.g. 1x3x640x640)");
        }
        String[] parts = t.split("[x,X]");
        long[] shape = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                shape[i] = Long.parseLong(parts[i].trim());
            } catch (NumberFormatException e) {
                throw PeregrineException.badInput("shape '" + text + "': '" + parts[i] + "' is not a number (expected e.g. 1x3x640x640)");
            }
            if (shape[i] < 1) {
                throw PeregrineException.badInput("shape '" + text + "': dimension " + i + " must be >= 1");
            }
        }
        return shape;
    }

    /**
     * Number of elements of a fully specified shape.
     *
     * @throws IllegalArgumentException for a dynamic (negative) dimension or a count beyond {@code Long.MAX_VALUE}
     */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has an unresolved dynamic dimension");
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** A copy of {@code shape} with dimension 0 (the batch) replaced. */
    public static long[] withBatch(long[] shape, long batch) {
        long[] s = shape.clone();
        s[0] = batch;
        return s;
    }
}
