package dev.peregrine.server.model;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.exporter.ExportOptions;
import dev.peregrine.exporter.Exporter;
import dev.peregrine.exporter.ProgressListener;
import dev.peregrine.exporter.modules.EmitterRegistry;
import dev.peregrine.exporter.precision.CalibrationSource;
import dev.peregrine.exporter.precision.Int8Options;
import dev.peregrine.exporter.precision.PrecisionPasses;
import dev.peregrine.testing.Fixtures;

/**
 * The portable INT8 model (int8 activations) the server tests convert: the trained shapes detector exported by the
 * Java exporter with a dynamic batch axis, as the server exports, and quantized like {@code peregrine export
 * --precision int8}. Calibrated on the first 16 validation images (the pass's minimum; a few seconds), once per JVM.
 */
public final class Int8TestModels {
    private static ModelProto trained;

    private Int8TestModels() {
    }

    /** The trained fixture at INT8 with int8 activations; skips (or on CI fails) without the fixtures. */
    public static synchronized ModelProto trainedInt8() throws PeregrineException {
        if (trained == null) {
            ModelProto fp32 = Exporter.buildModel(Fixtures.file("trained/shapes-yolov8n.pt"),
                    ExportOptions.defaults().withDynamic(true), ProgressListener.NONE, EmitterRegistry.standard())
                    .model();
            trained = PrecisionPasses.toInt8(fp32, CalibrationSource.of(Fixtures.file("trained/images/val")),
                    Int8Options.defaults().withCalibSize(16), null);
        }
        return trained;
    }
}
