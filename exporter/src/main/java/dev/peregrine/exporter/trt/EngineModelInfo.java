package dev.peregrine.exporter.trt;

import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.model.UltralyticsMetadata;

/**
 * The {@link ModelInfo} an engine header records: the ONNX's Ultralytics metadata read by the engines module's
 * {@link UltralyticsMetadata} (the same reading the ONNX Runtime engine does), with the precision the graph really
 * carries (FP16 initializers, Q/DQ nodes) rather than the export arguments.
 */
final class EngineModelInfo {
    private EngineModelInfo() {
    }

    /**
     * @throws PeregrineException BAD_INPUT when the model is not a YOLO image model or its metadata does not parse
     */
    static ModelInfo of(OnnxModelSummary onnx) throws PeregrineException {
        try {
            return UltralyticsMetadata.parse(onnx.metadata(), onnx.inputs().get(0), onnx.outputs().get(0), "onnx")
                    .withPrecision(onnx.precision());
        } catch (PeregrineException e) {
            throw new PeregrineException(e.code(), onnx.file().getFileName() + ": " + e.getMessage(), e);
        }
    }
}
