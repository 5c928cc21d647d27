package dev.peregrine.exporter.precision;

/**
 * How a model quantizes its activations, as read from its graph by
 * {@link PrecisionPasses#activationQuantization}. It tells a model loader whether
 * {@link PrecisionPasses#int8ActivationsToUint8} applies.
 */
public enum ActivationQuantization {
    /** No {@code QuantizeLinear} on a run-time tensor: a float model, or one with only its weights quantized. */
    NONE,
    /** Activations quantized to uint8 only: already the form ONNX Runtime's x86 CPU integer kernels run. */
    UINT8,
    /**
     * Activations quantized to int8 (the portable Q/DQ form TensorRT reads), every quantizer in a form that
     * {@link PrecisionPasses#int8ActivationsToUint8} rewrites into an equivalent, valid uint8 model.
     */
    INT8,
    /**
     * Activations quantized to int8, but the uint8 rewrite would be partial or invalid: a zero point that is not a
     * scalar inline initializer, a quantized tensor read by something other than {@code DequantizeLinear} or
     * leaving the graph, subgraphs, or weights in external files.
     */
    INT8_NOT_CONVERTIBLE
}
