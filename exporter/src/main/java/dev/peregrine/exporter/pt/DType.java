package dev.peregrine.exporter.pt;

/**
 * Element type of a {@link TorchTensor}, as recorded by the storage class ({@code torch.HalfStorage}, ...) or, for
 * {@code _rebuild_tensor_v3}, by the pickled {@code torch.<dtype>} global.
 */
public enum DType {
    FLOAT32(4, true), FLOAT16(2, true), BFLOAT16(2, true), FLOAT64(8, true),
    INT64(8, false), INT32(4, false), INT16(2, false), INT8(1, false), UINT8(1, false), BOOL(1, false);

    private final int byteSize;
    private final boolean floatingPoint;

    DType(int byteSize, boolean floatingPoint) {
        this.byteSize = byteSize;
        this.floatingPoint = floatingPoint;
    }

    /** Bytes per element in the storage record. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether this is a floating-point type (values are read with {@link TorchTensor#toFloats()}). */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }
}
