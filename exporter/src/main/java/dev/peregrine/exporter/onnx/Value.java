package dev.peregrine.exporter.onnx;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.Arrays;

/**
 * A named tensor of the graph under construction, with the element type and the shape the builder inferred for it.
 * A dimension of {@code -1} is not known while building (a dynamic axis, or one the builder could not infer).
 *
 * @param name  unique value name in the graph
 * @param type  element type
 * @param shape inferred dimensions, {@code -1} where unknown
 */
public record Value(String name, DataType type, long[] shape) {

    /** Copies the shape so that the value stays immutable. */
    public Value {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Dimension {@code axis} (negative counts from the end), {@code -1} when unknown. */
    public long dim(int axis) {
        return shape[axis < 0 ? shape.length + axis : axis];
    }

    /** True when every dimension is known. */
    public boolean isStatic() {
        return Arrays.stream(shape).allMatch(d -> d >= 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Value v && v.name.equals(name) && v.type == type && Arrays.equals(v.shape, shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
