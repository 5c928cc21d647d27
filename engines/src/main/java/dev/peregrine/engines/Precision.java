package dev.peregrine.engines;

/** Numeric precision of a model artifact. Precision lives in the ONNX (FP16 weights or Q/DQ nodes), not in flags. */
public enum Precision {
    FP32, FP16, INT8
}
