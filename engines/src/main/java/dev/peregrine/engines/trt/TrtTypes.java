package dev.peregrine.engines.trt;

import dev.peregrine.engines.PeregrineException;
import org.bytedeco.tensorrt.global.nvinfer.DataType;
import org.bytedeco.tensorrt.nvinfer.Dims64;

/** Conversions between TensorRT's types and Peregrine's. Native: only use after {@link TrtNatives} found TensorRT. */
public final class TrtTypes {
    private TrtTypes() {
    }

    /**
     * The element type of a TensorRT {@code DataType}, matched by value (stable across preset versions).
     *
     * @throws PeregrineException UNSUPPORTED for types Peregrine does not bind
     */
    public static ElementType elementType(DataType type) throws PeregrineException {
        for (DataType d : DataType.values()) {
            if (d.value == type.value) {
                return ElementType.fromTensorRt(d.name());
            }
        }
        throw PeregrineException.unsupported("unknown TensorRT data type " + type.value);
    }

    /** The dimensions of {@code d} (-1 where dynamic). */
    public static long[] shape(Dims64 d) {
        long[] s = new long[d.nbDims()];
        for (int i = 0; i < s.length; i++) {
            s[i] = d.d(i);
        }
        return s;
    }

    /** Fills {@code d} with {@code shape} and returns it. */
    public static Dims64 fill(Dims64 d, long[] shape) {
        d.nbDims(shape.length);
        for (int i = 0; i < shape.length; i++) {
            d.d(i, shape[i]);
        }
        return d;
    }
}
