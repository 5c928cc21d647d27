package dev.peregrine.exporter.precision;

import java.util.Arrays;

/**
 * Element type and shape of a tensor as ONNX Runtime infers them.
 *
 * @param elemType ONNX {@code TensorProto.DataType} number (1 float, 10 float16, 7 int64, ...)
 * @param shape    dimensions, -1 where dynamic
 */
record TensorType(int elemType, long[] shape) {
    TensorType {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    int rank() {
        return shape.length;
    }

    /** True for float32. */
    boolean isFloat() {
        return elemType == TensorData.FLOAT;
    }

    @Override
    public String toString() {
        return "type" + elemType + Arrays.toString(shape);
    }
}
