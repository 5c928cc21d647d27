package dev.peregrine.exporter.trt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import dev.peregrine.engines.trt.TrtNatives;
import dev.peregrine.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrtEngineBuilderTest {
    @TempDir
    Path dir;

    /** On this machine (no TensorRT natives) a valid request gets past every pure check and stops at UNAVAILABLE. */
    @Test
    void withoutTensorRtABuildIsUnavailableAfterThePureChecks() throws Exception {
        assumeFalse(TrtNatives.availability().isAvailable(), "TensorRT is available here");
        Path onnx = Fixtures.file("tiny/yolov8n.onnx");
        Path out = dir.resolve("yolov8n.engine");
        List<String> phases = new ArrayList<>();
        assertThatThrownBy(() -> TrtEngineBuilder.build(EngineBuildOptions.builder(onnx).output(out).build(),
                (i, total, what) -> phases.add(i + "/" + total + " " + what)))
                .isInstanceOf(PeregrineException.class)
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageContaining("TensorRT is not available")
                .hasMessageContaining("--device cpu");
        assertThat(phases).containsExactly("1/4 reading yolov8n.onnx");
        assertThat(Files.exists(out)).isFalse();
    }

    @Test
    void requestErrorsAreReportedBeforeLookingForTensorRt() throws Exception {
        Path onnx = Fixtures.file("tiny/yolov8n.onnx");
        assertThatThrownBy(() -> TrtEngineBuilder.build(EngineBuildOptions.builder(onnx).output(dir.resolve("a.engine"))
                .expectedPrecision(Precision.FP16).build(), BuildProgress.NONE))
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.BAD_INPUT))
                .hasMessageContaining("yolov8n.onnx is FP32, but --precision fp16");
        assertThatThrownBy(() -> TrtEngineBuilder.build(EngineBuildOptions.builder(onnx).output(dir.resolve("b.engine"))
                .batch(4).build(), BuildProgress.NONE))
                .hasMessageContaining("fixed batch of 1");
        assertThatThrownBy(() -> TrtEngineBuilder.build(EngineBuildOptions.builder(dir.resolve("missing.onnx")).build(),
                BuildProgress.NONE))
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
}
