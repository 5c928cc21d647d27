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
        ByteBuffer bb = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            bb.putShort(Half.fromFloatSaturating(f));
        }
        bb.flip();
        return t.toBuilder().setName(name).setDataType(FLOAT16).clearFloatData().clearRawData()
                .setRawData(ByteString.copyFrom(bb)).build();
    }

    /** A float32 tensor. */
    static TensorProto floatTensor(String name, long[] dims, float[] values) {
        ByteBuffer bb = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : values) {
            bb.putFloat(f);
        }
        bb.flip();
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(FLOAT)
                .setRawData(ByteString.copyFrom(bb));
        for (long d : dims) {
            b.addDims(d);
        }
        return b.build();
    }

    /** An int8 or uint8 tensor ({@code type} INT8 or UINT8) from byte values. */
    static TensorProto byteTensor(String name, int type, long[] dims, byte[] values) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(type)
                .setRawData(ByteString.copyFrom(values));
        for (long d : dims) {
            b.addDims(d);
        }
        return b.build();
    }

    /** An int32 tensor. */
    static TensorProto intTensor(String name, long[] dims, int[] values) {
        ByteBuffer bb = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            bb.putInt(v);
        }
        bb.flip();
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(INT32)
                .setRawData(ByteString.copyFrom(bb));
        for (long d : dims) {
            b.addDims(d);
        }
        return b.build();
    }
}
