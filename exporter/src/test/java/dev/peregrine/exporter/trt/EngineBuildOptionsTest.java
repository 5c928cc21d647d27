package dev.peregrine.exporter.trt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EngineBuildOptionsTest {
    private static final Path ONNX = Path.of("models/yolov8n.onnx");

    @Test
    void defaultsPutTheEngineNextToTheModel() throws Exception {
        EngineBuildOptions o = EngineBuildOptions.builder(ONNX).build();
        assertThat(o.output()).isEqualTo(Path.of("models/yolov8n.engine"));
        assertThat(o.batch()).isNull();
        assertThat(o.dynamic()).isFalse();
        assertThat(o.workspaceBytes()).isZero();
        assertThat(o.dlaCore()).isEqualTo(-1);
        assertThat(o.device()).isZero();
        assertThat(o.allowTf32()).isFalse();
        assertThat(o.explicitShapes()).isFalse();
    }

    @Test
    void workspaceIsGibibytesWithFractions() throws Exception {
        assertThat(EngineBuildOptions.builder(ONNX).workspaceGb(4).build().workspaceBytes()).isEqualTo(4L << 30);
        assertThat(EngineBuildOptions.builder(ONNX).workspaceGb(0.5).build().workspaceBytes()).isEqualTo(512L << 20);
    }

    private static void bad(EngineBuildOptions.Builder b, String message) {
        assertThatThrownBy(b::build).isInstanceOf(PeregrineException.class)
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.BAD_INPUT))
                .hasMessageContaining(message);
    }

    @Test
    void conflictingOrOutOfRangeOptionsAreNamed() {
        long[] s = {1, 3, 640, 640};
        bad(EngineBuildOptions.builder(ONNX).batch(0), "--batch must be >= 1");
        bad(EngineBuildOptions.builder(ONNX).dynamic(true).shapes(s, s, null), "give all three");
        bad(EngineBuildOptions.builder(ONNX).shapes(s, s, s), "need --dynamic");
        bad(EngineBuildOptions.builder(ONNX).dynamic(true).batch(4).shapes(s, s, s), "either --batch or --min-shape");
        bad(EngineBuildOptions.builder(ONNX).workspaceGb(-1), "--workspace");
        bad(EngineBuildOptions.builder(ONNX).workspaceGb(Double.NaN), "--workspace");
        bad(EngineBuildOptions.builder(ONNX).dlaCore(-2), "--dla");
        bad(EngineBuildOptions.builder(ONNX).gpuFallback(true), "--gpu-fallback only applies with --dla");
        bad(EngineBuildOptions.builder(ONNX).device(-1), "device index");
        bad(EngineBuildOptions.builder(ONNX).output(Path.of("models/../models/yolov8n.onnx")), "would overwrite the ONNX model");
    }
}
