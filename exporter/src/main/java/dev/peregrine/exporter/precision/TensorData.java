package dev.peregrine.exporter.precision;

import dev.peregrine.engines.numeric.Half;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.peregrine.engines.PeregrineException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/** Reads and builds ONNX {@code TensorProto}s of float, float16 and 8-bit integer data. */
final class TensorData {
    static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    static final int FLOAT16 = TensorProto.DataType.FLOAT16_VALUE;
    static final int INT8 = TensorProto.DataType.INT8_VALUE;
    static final int UINT8 = TensorProto.DataType.UINT8_VALUE;
    static final int INT32 = TensorProto.DataType.INT32_VALUE;
    static final int INT64 = TensorProto.DataType.INT64_VALUE;

    private TensorData() {
    }

    /** Number of elements of a tensor's shape. */
    static long numel(TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        return n;
    }

    /** The values of a float32 tensor (raw or typed storage). */
    static float[] floats(TensorProto t) throws PeregrineException {
        if (t.getDataType() != FLOAT) {
            throw PeregrineException.unsupported("tensor '" + t.getName() + "' is not float32");
        }
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw PeregrineException.unsupported("tensor '" + t.getName()
                    + "' keeps its data in an external file; load models with inline weights");
        }
        int n = Math.toIntExact(numel(t));
        float[] out = new float[n];
        if (!t.getRawData().isEmpty()) {
            if (t.getRawData().size() != 4L * n) {
                throw PeregrineException.badInput("tensor '" + t.getName() + "' has " + t.getRawData().size()
                        + " raw bytes for " + n + " floats");
            }
            FloatBuffer fb = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            fb.get(out);
        } else {
            if (t.getFloatDataCount() != n) {
                throw PeregrineException.badInput("tensor '" + t.getName() + "' has " + t.getFloatDataCount()
                        + " values for " + n + " elements");
            }
            for (int i = 0; i < n; i++) {
                out[i] = t.getFloatData(i);
            }
        }
        return out;
    }

    /** A float16 copy of a float32 tensor: same name and shape, values rounded to FP16 (saturating). */
    static TensorProto toFloat16(TensorProto t, String name) throws PeregrineException {
        float[] v = floats(t);
        ByteBuffer bb = littleEndian(2 * v.length);
        for (float f : v) {
            bb.putShort(Half.fromFloatSaturating(f));
        }
        return t.toBuilder().setName(name).setDataType(FLOAT16).clearFloatData().clearRawData()
                .setRawData(ByteString.copyFrom(bb.flip())).build();
    }

    /** A float32 tensor. */
    static TensorProto floatTensor(String name, long[] dims, float[] values) {
        ByteBuffer bb = littleEndian(4 * values.length);
        for (float f : values) {
            bb.putFloat(f);
        }
        return rawTensor(name, FLOAT, dims, ByteString.copyFrom(bb.flip()));
    }

    /** An int8 or uint8 tensor ({@code type} INT8 or UINT8) from byte values. */
    static TensorProto byteTensor(String name, int type, long[] dims, byte[] values) {
        return rawTensor(name, type, dims, ByteString.copyFrom(values));
    }

    /** An int32 tensor. */
    static TensorProto intTensor(String name, long[] dims, int[] values) {
        ByteBuffer bb = littleEndian(4 * values.length);
        for (int v : values) {
            bb.putInt(v);
        }
        return rawTensor(name, INT32, dims, ByteString.copyFrom(bb.flip()));
    }

    /** A buffer for raw tensor data, which ONNX stores little-endian. */
    private static ByteBuffer littleEndian(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A tensor of {@code type} and shape {@code dims} holding {@code raw} as its raw data. */
    private static TensorProto rawTensor(String name, int type, long[] dims, ByteString raw) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(type).setRawData(raw);
        for (long d : dims) {
            b.addDims(d);
        }
        return b.build();
    }
}
