package dev.peregrine.exporter;

import dev.peregrine.engines.Precision;
import java.nio.file.Path;

/**
 * Options of an export, named after Ultralytics' export arguments.
 *
 * @param height    input height in pixels, or 0 for the checkpoint's training size ({@code imgsz}, else 640)
 * @param width     input width in pixels, or 0 like {@code height}
 * @param batch     static batch size (ignored on the batch axis when {@code dynamic}; still written to metadata)
 * @param dynamic   batch, height and width become dynamic axes; anchors are then computed in the graph
 * @param opset     ONNX opset, or null for the default (17, as Ultralytics with torch 1.13)
 * @param output    the ONNX file to write, or null for the checkpoint's path with {@code .onnx}
 * @param precision numeric precision of the artifact. Only FP32 is produced here; FP16 and INT8 are passes of
 *                  {@code dev.peregrine.exporter.precision} applied by {@link Exporter} once they exist
 */
public record ExportOptions(int height, int width, int batch, boolean dynamic, Integer opset, Path output,
        Precision precision) {

    /** Validates nothing but nulls: values are checked by {@link Exporter} with messages naming the option. */
    public ExportOptions {
        if (precision == null) {
            precision = Precision.FP32;
        }
    }

    /** Ultralytics' defaults: training image size, batch 1, static, opset 17, next to the checkpoint, FP32. */
    public static ExportOptions defaults() {
        return new ExportOptions(0, 0, 1, false, null, null, Precision.FP32);
    }

    /** A square input size. */
    public ExportOptions withImgsz(int size) {
        return withImgsz(size, size);
    }

    /** An input size of {@code height} x {@code width}. */
    public ExportOptions withImgsz(int height, int width) {
        return new ExportOptions(height, width, batch, dynamic, opset, output, precision);
    }

    /** Another static batch size. */
    public ExportOptions withBatch(int batch) {
        return new ExportOptions(height, width, batch, dynamic, opset, output, precision);
    }

    /** Dynamic batch, height and width. */
    public ExportOptions withDynamic(boolean dynamic) {
        return new ExportOptions(height, width, batch, dynamic, opset, output, precision);
    }

    /** Another opset. */
    public ExportOptions withOpset(Integer opset) {
        return new ExportOptions(height, width, batch, dynamic, opset, output, precision);
    }

    /** Another output file. */
    public ExportOptions withOutput(Path output) {
        return new ExportOptions(height, width, batch, dynamic, opset, output, precision);
    }

    /** Another precision. */
    public ExportOptions withPrecision(Precision precision) {
        return new ExportOptions(height, width, batch, dynamic, opset, output, precision);
    }
}
