package dev.peregrine.exporter.trt;

import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.trt.ShapeProfile;
import dev.peregrine.engines.trt.TrtNatives;

/**
 * Builds a Peregrine TensorRT engine file from an ONNX model (FP32, FP16 or Q/DQ INT8: TensorRT builds a strongly
 * typed network, so the precision is the ONNX's).
 *
 * <p>Everything that can be checked without TensorRT is checked first (ONNX readable, Ultralytics metadata,
 * profile, precision), then {@link TrtNatives#require()} turns a missing TensorRT into one UNAVAILABLE message, and
 * only then is the native build class touched. This class itself refers to no TensorRT type, so the CLI can use it
 * on CPU-only class paths.
 */
public final class TrtEngineBuilder {
    /** Number of phases reported to {@link BuildProgress}. */
    static final int PHASES = 4;

    private TrtEngineBuilder() {
    }

    /**
     * Builds {@code options.onnx()} into {@code options.output()}.
     *
     * @throws PeregrineException NOT_FOUND / BAD_INPUT for the model and options, UNAVAILABLE without TensorRT, a
     *                            GPU or the requested DLA core, UNSUPPORTED when TensorRT cannot parse the model,
     *                            ENGINE_FAILURE when the build fails (with TensorRT's errors)
     */
    public static EngineBuildResult build(EngineBuildOptions options, BuildProgress progress) throws PeregrineException {
        long start = System.nanoTime();
        progress.phase(1, PHASES, "reading " + options.onnx().getFileName());
        OnnxModelSummary onnx = OnnxModelSummary.read(options.onnx());
        BuildPreflight.checkModel(options, onnx);
        ModelInfo info = EngineModelInfo.of(onnx);
        ShapeProfile profile = ProfilePlanner.plan(onnx.inputs().get(0), info, options);
        TrtNatives.require();
        return NativeEngineBuild.run(options, onnx, info, profile, progress, start);
    }
}
