package dev.peregrine.exporter;

import dev.peregrine.engines.ModelInfo;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The outcome of an export.
 *
 * @param onnx the written ONNX file
 * @param info what the model is (names, input size, task, stride, end-to-end...), as a consumer of the file reads it
 * @param took wall time of the whole export (reading, building, writing)
 */
public record ExportResult(Path onnx, ModelInfo info, Duration took) {
}
