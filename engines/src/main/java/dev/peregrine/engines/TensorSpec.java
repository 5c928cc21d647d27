package dev.peregrine.engines;

import java.util.Arrays;

/**
 * Name, element type and shape of an engine input or output. A dimension of {@code -1} is dynamic.
 *
 * @param name      tensor name in the model (e.g. {@code images}, {@code output0})
 * @param elementType element type as ONNX names it ({@code float}, {@code float16}, {@code int8}, ...)
 * @param shape     dimensions, -1 where dynamic
 */
public record TensorSpec(String name, String elementType, long[] shape) {
    public TensorSpec {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Dimension {@code i}, -1 when dynamic. */
    public long dim(int i) {
        return shape[i];
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** True when any dimension is dynamic. */
    public boolean isDynamic() {
        return Arrays.stream(shape).anyMatch(d -> d < 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && t.name.equals(name) && t.elementType.equals(elementType)
                && Arrays.equals(t.shape, shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + ":" + elementType + Arrays.toString(shape);
    }
}
