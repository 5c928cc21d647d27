package dev.peregrine.engines.trt;

import dev.peregrine.engines.PeregrineException;
import java.util.Locale;

/**
 * Element type of an engine input or output, with its size in bytes and the names TensorRT and ONNX use for it.
 * Pure Java so that headers and buffer sizes can be computed (and tested) without TensorRT.
 */
public enum ElementType {
    FLOAT32(4, "kFLOAT", "float"),
    FLOAT16(2, "kHALF", "float16"),
    BFLOAT16(2, "kBF16", "bfloat16"),
    INT8(1, "kINT8", "int8"),
    UINT8(1, "kUINT8", "uint8"),
    INT32(4, "kINT32", "int32"),
    INT64(8, "kINT64", "int64"),
    BOOL(1, "kBOOL", "bool");

    private final int bytes;
    private final String tensorRtName;
    private final String onnxName;

    ElementType(int bytes, String tensorRtName, String onnxName) {
        this.bytes = bytes;
        this.tensorRtName = tensorRtName;
        this.onnxName = onnxName;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    /** The constant name in TensorRT's {@code nvinfer1::DataType} ({@code kFLOAT}, {@code kHALF}, ...). */
    public String tensorRtName() {
        return tensorRtName;
    }

    /** The element type as ONNX (and {@link dev.peregrine.engines.TensorSpec}) names it. */
    public String onnxName() {
        return onnxName;
    }

    /** True for the types {@link dev.peregrine.engines.Engine#run} can feed or read as float32 (FP32, FP16). */
    public boolean isFloatConvertible() {
        return this == FLOAT32 || this == FLOAT16;
    }

    /**
     * Maps a TensorRT {@code DataType} constant name.
     *
     * @throws PeregrineException UNSUPPORTED for types Peregrine does not bind (FP8, INT4, FP4, ...)
     */
    public static ElementType fromTensorRt(String name) throws PeregrineException {
        for (ElementType t : values()) {
            if (t.tensorRtName.equals(name)) {
                return t;
            }
        }
        throw PeregrineException.unsupported("TensorRT data type " + name + " is not supported for engine inputs/outputs");
    }

    /**
     * Parses a name written in an engine header: the ONNX name ({@code float}) or the enum name ({@code FLOAT32}).
     *
     * @throws PeregrineException BAD_INPUT for an unknown name
     */
    public static ElementType parse(String name) throws PeregrineException {
        for (ElementType t : values()) {
            if (t.onnxName.equals(name) || t.name().equals(name.toUpperCase(Locale.ROOT))) {
                return t;
            }
        }
        throw PeregrineException.badInput("unknown element type '" + name + "'");
    }
}
