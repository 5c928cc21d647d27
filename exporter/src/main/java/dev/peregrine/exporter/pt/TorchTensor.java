package dev.peregrine.exporter.pt;

import dev.peregrine.engines.numeric.Half;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A tensor of a checkpoint: a view (element offset, shape, strides) of a {@link TensorStorage}. Views of one storage
 * share its bytes; {@link #toFloats()} and {@link #toLongs()} produce row-major contiguous copies, converting FP16 and
 * BF16 exactly to float32. Immutable.
 */
public final class TorchTensor {
    private final TensorStorage storage;
    private final DType dtype;
    private final long offset;
    private final long[] shape;
    private final long[] strides;
    private final long numel;
    private final boolean requiresGrad;

    private TorchTensor(TensorStorage storage, DType dtype, long offset, long[] shape, long[] strides, long numel,
            boolean requiresGrad) {
        this.storage = storage;
        this.dtype = dtype;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
        this.numel = numel;
        this.requiresGrad = requiresGrad;
    }

    /**
     * Builds a view after checking that it lies inside the storage. {@code dtype} may differ from the storage's only
     * for untyped (byte) storages, as {@code _rebuild_tensor_v3} does; the offset is in elements of {@code dtype}.
     *
     * @throws IllegalArgumentException naming what is inconsistent
     */
    static TorchTensor view(TensorStorage storage, DType dtype, long offset, long[] shape, long[] strides,
            boolean requiresGrad) {
        if (shape.length != strides.length) {
            throw new IllegalArgumentException("tensor size " + Arrays.toString(shape) + " and stride "
                    + Arrays.toString(strides) + " differ in rank");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("negative storage offset " + offset);
        }
        long n = 1;
        long last = offset;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 0 || strides[d] < 0) {
                throw new IllegalArgumentException("negative size or stride in " + Arrays.toString(shape) + " / "
                        + Arrays.toString(strides));
            }
            n = Math.multiplyExact(n, shape[d]);
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor of " + n + " elements is larger than 2^31");
        }
        if (n > 0) {
            for (int d = 0; d < shape.length; d++) {
                last = Math.addExact(last, Math.multiplyExact(shape[d] - 1, strides[d]));
            }
            long endByte = Math.multiplyExact(last + 1, (long) dtype.byteSize());
            if (endByte > storage.byteLength()) {
                throw new IllegalArgumentException("tensor view (offset " + offset + ", size " + Arrays.toString(shape)
                        + ", stride " + Arrays.toString(strides) + ") reaches element " + last + " of storage '"
                        + storage.key() + "', which holds " + storage.byteLength() / dtype.byteSize() + " "
                        + dtype + " elements");
            }
        }
        return new TorchTensor(storage, dtype, offset, shape.clone(), strides.clone(), n, requiresGrad);
    }

    /** The same view with the {@code requires_grad} flag of the {@code nn.Parameter} that wraps it. */
    TorchTensor asParameter(boolean parameterRequiresGrad) {
        return parameterRequiresGrad == requiresGrad ? this
                : new TorchTensor(storage, dtype, offset, shape, strides, numel, parameterRequiresGrad);
    }

    /** The element type. */
    public DType dtype() {
        return dtype;
    }

    /** The shape (a copy); empty for a scalar. */
    public long[] shape() {
        return shape.clone();
    }

    /** The number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** The strides in elements (a copy). */
    public long[] strides() {
        return strides.clone();
    }

    /** Offset of the first element in the storage, in elements. */
    public long storageOffset() {
        return offset;
    }

    /** The storage record key ({@code <prefix>/data/<key>}); views of one storage share it. */
    public String storageKey() {
        return storage.key();
    }

    /** Whether the tensor was saved with {@code requires_grad} (parameters usually are). */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** The number of elements (product of the shape; 1 for a scalar). */
    public long numel() {
        return numel;
    }

    /** Whether the elements are laid out row-major without gaps. */
    public boolean isContiguous() {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /** Row-major contiguous float32 copy of the values (FP16/BF16 converted exactly, integers converted). */
    public float[] toFloats() {
        float[] out = new float[(int) numel];
        ByteBuffer b = storage.data();
        if (isContiguous() && contiguousFloats(b, out)) {
            return out;
        }
        long[] idx = new long[shape.length];
        long pos = offset;
        for (int i = 0; i < out.length; i++) {
            out[i] = readFloat(b, (int) pos);
            pos = advance(idx, pos);
        }
        return out;
    }

    /**
     * The fast path for contiguous FP32/FP16/BF16 tensors (all weights of a checkpoint): one bulk copy out of the
     * storage and a tight conversion loop. Returns false for the other dtypes.
     */
    private boolean contiguousFloats(ByteBuffer b, float[] out) {
        int n = out.length;
        ByteBuffer from = b.duplicate().order(b.order());
        switch (dtype) {
            case FLOAT32:
                from.position((int) offset * 4);
                from.asFloatBuffer().get(out, 0, n);
                return true;
            case FLOAT16:
            case BFLOAT16: {
                short[] bits = new short[n];
                from.position((int) offset * 2);
                from.asShortBuffer().get(bits, 0, n);
                if (dtype == DType.FLOAT16) {
                    for (int i = 0; i < n; i++) {
                        out[i] = Half.toFloat(bits[i]);
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        out[i] = Float.intBitsToFloat((bits[i] & 0xffff) << 16);
                    }
                }
                return true;
            }
            default:
                return false;
        }
    }

    /** Row-major contiguous double copy of the values. */
    public double[] toDoubles() {
        double[] out = new double[(int) numel];
        ByteBuffer b = storage.data();
        long[] idx = new long[shape.length];
        long pos = offset;
        for (int i = 0; i < out.length; i++) {
            out[i] = dtype == DType.FLOAT64 ? b.getDouble((int) pos * 8) : readFloat(b, (int) pos);
            pos = advance(idx, pos);
        }
        return out;
    }

    /**
     * Row-major contiguous copy of an integer or boolean tensor.
     *
     * @throws IllegalStateException for floating-point tensors (use {@link #toFloats()})
     */
    public long[] toLongs() {
        if (dtype.isFloatingPoint()) {
            throw new IllegalStateException("tensor is " + dtype + ", not an integer type; use toFloats()");
        }
        long[] out = new long[(int) numel];
        ByteBuffer b = storage.data();
        long[] idx = new long[shape.length];
        long pos = offset;
        for (int i = 0; i < out.length; i++) {
            out[i] = readLong(b, (int) pos);
            pos = advance(idx, pos);
        }
        return out;
    }

    /** Steps a row-major multi-index and returns the storage position of the next element. */
    private long advance(long[] idx, long pos) {
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d]++;
            pos += strides[d];
            if (idx[d] < shape[d]) {
                return pos;
            }
            pos -= strides[d] * shape[d];
            idx[d] = 0;
        }
        return pos;
    }

    private float readFloat(ByteBuffer b, int i) {
        switch (dtype) {
            case FLOAT32: return b.getFloat(i * 4);
            case FLOAT16: return Half.toFloat(b.getShort(i * 2));
            case BFLOAT16: return Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
            case FLOAT64: return (float) b.getDouble(i * 8);
            default: return readLong(b, i);
        }
    }

    private long readLong(ByteBuffer b, int i) {
        switch (dtype) {
            case INT64: return b.getLong(i * 8);
            case INT32: return b.getInt(i * 4);
            case INT16: return b.getShort(i * 2);
            case INT8: return b.get(i);
            case UINT8: return b.get(i) & 0xff;
            case BOOL: return b.get(i) != 0 ? 1 : 0;
            default: throw new IllegalStateException("not an integer dtype: " + dtype);
        }
    }

    @Override
    public String toString() {
        return "TorchTensor[" + dtype + " " + Arrays.toString(shape) + ", storage " + storage.key() + "]";
    }
}
