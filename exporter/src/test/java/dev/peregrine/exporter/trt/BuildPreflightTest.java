package dev.peregrine.exporter.trt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import dev.peregrine.engines.TensorSpec;
import dev.peregrine.engines.trt.GpuIdentity;
import dev.peregrine.engines.trt.ShapeProfile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checks run against an injected device: a data-centre GPU without DLA, and a Jetson Orin with two cores. */
class BuildPreflightTest {
    private static final BuildDevice L4 = new BuildDevice(new GpuIdentity("NVIDIA L4", 8, 9, 0), 0);
    private static final BuildDevice ORIN = new BuildDevice(new GpuIdentity("Orin", 8, 7, 0), 2);
    private static final ShapeProfile FIXED = ShapeProfile.fixed(new long[] {1, 3, 640, 640});
    private static final ShapeProfile RANGE = new ShapeProfile(new long[] {1, 3, 640, 640}, new long[] {2, 3, 640, 640},
            new long[] {4, 3, 640, 640});

    private static OnnxModelSummary onnx(Precision p) {
        TensorSpec in = new TensorSpec("images", "float", new long[] {-1, 3, 640, 640});
        return new OnnxModelSummary(Path.of("yolo11n.onnx"), List.of(in), List.of(in), Map.of(), p);
    }

    private static EngineBuildOptions.Builder opts() {
        return EngineBuildOptions.builder(Path.of("yolo11n.onnx"));
    }

    @Test
    void dlaOnAGpuWithoutDlaIsUnavailableWithAdvice() {
        assertThatThrownBy(() -> BuildPreflight.checkDevice(opts().dlaCore(0).build(), onnx(Precision.FP16), FIXED, L4))
                .isInstanceOf(PeregrineException.class)
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessage("--dla 0: NVIDIA L4 has no DLA cores (DLA exists on Jetson AGX Orin, Orin NX and Xavier): "
                        + "build without --dla to run on the GPU");
    }

    @Test
    void dlaCoreMustExist() {
        assertThatThrownBy(() -> BuildPreflight.checkDevice(opts().dlaCore(2).build(), onnx(Precision.FP16), FIXED, ORIN))
                .hasMessage("--dla 2: Orin has 2 DLA cores (0..1)");
    }

    @Test
    void dlaNeedsFp16OrInt8AndStaticShapesUnlessFallingBack() throws Exception {
        assertThatThrownBy(() -> BuildPreflight.checkDevice(opts().dlaCore(1).build(), onnx(Precision.FP32), FIXED, ORIN))
                .hasMessageContaining("yolo11n.onnx is FP32").hasMessageContaining("--gpu-fallback");
        assertThatThrownBy(() -> BuildPreflight.checkDevice(opts().dlaCore(1).build(), onnx(Precision.INT8), RANGE, ORIN))
                .hasMessageContaining("the DLA needs static shapes");
        BuildPreflight.checkDevice(opts().dlaCore(1).build(), onnx(Precision.FP16), FIXED, ORIN);
        BuildPreflight.checkDevice(opts().dlaCore(0).gpuFallback(true).build(), onnx(Precision.FP32), RANGE, ORIN);
        BuildPreflight.checkDevice(opts().build(), onnx(Precision.FP32), RANGE, L4);
    }

    @Test
    void requestedPrecisionMustBeTheOnnxs() throws Exception {
        assertThatThrownBy(() -> BuildPreflight.checkModel(opts().expectedPrecision(Precision.FP16).build(), onnx(Precision.FP32)))
                .isInstanceOf(PeregrineException.class)
                .hasMessageContaining("yolo11n.onnx is FP32, but --precision fp16 was asked for")
                .hasMessageContaining("peregrine export model.pt --precision fp16");
        BuildPreflight.checkModel(opts().expectedPrecision(Precision.INT8).build(), onnx(Precision.INT8));
        BuildPreflight.checkModel(opts().build(), onnx(Precision.FP16));
    }

    @Test
    void modelsWithSeveralInputsAreUnsupported() {
        TensorSpec in = new TensorSpec("images", "float", new long[] {1, 3, 64, 64});
        OnnxModelSummary two = new OnnxModelSummary(Path.of("two.onnx"), List.of(in, in), List.of(in), Map.of(), Precision.FP32);
        assertThatThrownBy(() -> BuildPreflight.checkModel(opts().build(), two))
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED));
    }
}
