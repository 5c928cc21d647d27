package dev.peregrine.exporter.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds ONNX {@link TensorProto}s with little-endian {@code raw_data}, the layout ONNX requires. */
public final class Tensors {
    private Tensors() {
    }

    /** A float32 tensor. {@code data.length} must equal the product of {@code dims}. */
    public static TensorProto floats(String name, float[] data, long... dims) {
        checkCount(name, data.length, dims);
        ByteBuffer buf = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        return tensor(name, DataType.FLOAT, buf.array(), dims);
    }

    /** An int64 tensor. */
    public static TensorProto longs(String name, long[] data, long... dims) {
        checkCount(name, data.length, dims);
        ByteBuffer buf = ByteBuffer.allocate(data.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asLongBuffer().put(data);
        return tensor(name, DataType.INT64, buf.array(), dims);
    }

    private static TensorProto tensor(String name, DataType type, byte[] raw, long... dims) {
        TensorProto.Builder b = TensorProto.newBuilder().setDataType(type.getNumber());
        if (name != null) {
            b.setName(name);
        }
        for (long d : dims) {
            b.addDims(d);
        }
        // The array is freshly allocated and never touched again, so wrapping it without a copy is safe.
        ByteString bytes = UnsafeByteOperations.unsafeWrap(raw);
        return b.setRawData(bytes).build();
    }

    /** Product of dimensions (1 for a scalar). */
    public static long count(long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    private static void checkCount(String name, int have, long... dims) {
        if (count(dims) != have) {
            throw new IllegalArgumentException("tensor " + name + ": " + have + " values for dims "
                    + java.util.Arrays.toString(dims));
        }
    }
}
