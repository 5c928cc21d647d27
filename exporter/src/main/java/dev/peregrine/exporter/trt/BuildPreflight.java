package dev.peregrine.exporter.trt;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import dev.peregrine.engines.trt.ShapeProfile;
import java.util.Locale;

/**
 * Checks a build request against the model and the device before TensorRT spends minutes on it, so that a DLA core
 * that does not exist, or a precision the ONNX does not have, fails at once with advice. Pure Java.
 */
final class BuildPreflight {
    private BuildPreflight() {
    }

    /**
     * Checks that do not need the device: the requested precision must be the ONNX's (TensorRT 11 builds strongly
     * typed networks; there is no FP16/INT8 builder flag to convert an FP32 model).
     */
    static void checkModel(EngineBuildOptions o, OnnxModelSummary onnx) throws PeregrineException {
        Precision want = o.expectedPrecision();
        if (want != null && want != onnx.precision()) {
            String file = onnx.file().getFileName().toString();
            throw PeregrineException.badInput(file + " is " + onnx.precision() + ", but --precision "
                    + want.name().toLowerCase(Locale.ROOT) + " was asked for. TensorRT engines take their precision from the "
                    + "ONNX (strongly typed networks): export an " + want + " ONNX first (peregrine export model.pt --precision "
                    + want.name().toLowerCase(Locale.ROOT) + ") and build the engine from it");
        }
        if (onnx.inputs().size() != 1) {
            throw PeregrineException.unsupported(onnx.file().getFileName() + " has " + onnx.inputs().size()
                    + " inputs; engines are built for models with one image input");
        }
    }

    /** Checks that need the device: DLA core present, and DLA constraints (FP16/INT8 layers, static shapes). */
    static void checkDevice(EngineBuildOptions o, OnnxModelSummary onnx, ShapeProfile profile, BuildDevice d)
            throws PeregrineException {
        if (o.dlaCore() < 0) {
            return;
        }
        if (d.dlaCores() == 0) {
            throw new PeregrineException(ErrorCode.UNAVAILABLE, "--dla " + o.dlaCore() + ": " + d.gpu().name()
                    + " has no DLA cores (DLA exists on Jetson AGX Orin, Orin NX and Xavier): build without --dla to run on the GPU");
        }
        if (o.dlaCore() >= d.dlaCores()) {
            throw PeregrineException.badInput("--dla " + o.dlaCore() + ": " + d.gpu().name() + " has " + d.dlaCores()
                    + " DLA cores (0.." + (d.dlaCores() - 1) + ")");
        }
        if (o.gpuFallback()) {
            return;
        }
        String file = onnx.file().getFileName().toString();
        if (onnx.precision() == Precision.FP32) {
            throw PeregrineException.badInput("the DLA runs FP16 and INT8 layers only and " + file + " is FP32: export an FP16 "
                    + "ONNX (--precision fp16), or add --gpu-fallback to run the FP32 layers on the GPU");
        }
        if (!profile.isFixed()) {
            throw PeregrineException.badInput("the DLA needs static shapes, but the profile is " + profile
                    + ": build a fixed batch (--batch N without --dynamic), or add --gpu-fallback");
        }
    }
}
