package dev.peregrine.bench.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.bench.BenchFormat;
import dev.peregrine.engines.Device;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which formats bench can produce where, and the reasons it gives for the others. */
class ModelArtifactsTest {

    @TempDir
    Path dir;

    @Test
    void onnxInputRunsAsFp32ConvertsToFp16AndNamesWhyOtherFormatsAreSkipped() throws Exception {
        Path onnx = Fixtures.file("tiny/yolov8n.onnx");
        ModelArtifacts a = new ModelArtifacts(onnx, null, dir, Device.CPU, 8, null, BenchProgress.NONE);
        assertThat(a.fromCheckpoint()).isFalse();
        assertThat(a.forFormat(BenchFormat.ONNX_FP32).file()).isEqualTo(onnx);
        Artifact fp16 = a.forFormat(BenchFormat.ONNX_FP16);
        assertThat(fp16.available()).as(String.valueOf(fp16.skipReason())).isTrue();
        assertThat(fp16.file()).isEqualTo(dir.resolve("yolov8n-onnx-fp16.onnx"));
        assertThat(Files.size(fp16.file())).isLessThan(Files.size(onnx));
        Artifact int8 = a.forFormat(BenchFormat.ONNX_INT8);
        assertThat(int8.available()).isFalse();
        assertThat(int8.skipReason()).contains("calibration images");
        for (BenchFormat trt : new BenchFormat[] {BenchFormat.TRT_FP32, BenchFormat.TRT_FP16, BenchFormat.TRT_INT8}) {
            assertThat(a.forFormat(trt).skipReason()).contains("NVIDIA GPU").contains("cpu");
        }
    }

    @Test
    void checkpointIsExportedWithADynamicBatch() throws Exception {
        Path pt = Fixtures.file("tiny/yolov8n.pt");
        ModelArtifacts a = new ModelArtifacts(pt, new int[] {160, 160}, dir, Device.CPU, 8, null,
                BenchProgress.NONE);
        Artifact fp32 = a.forFormat(BenchFormat.ONNX_FP32);
        assertThat(fp32.available()).as(String.valueOf(fp32.skipReason())).isTrue();
        assertThat(fp32.file()).isEqualTo(dir.resolve("yolov8n-onnx-fp32.onnx"));
        assertThat(Files.size(fp32.file())).isPositive();
        assertThat(a.forFormat(BenchFormat.ONNX_FP32)).as("cached").isSameAs(fp32);
    }

    @Test
    void refusesMissingOrForeignModels() {
        assertThatThrownBy(() -> new ModelArtifacts(dir.resolve("none.pt"), null, dir, Device.CPU, 1, null,
                BenchProgress.NONE)).isInstanceOf(PeregrineException.class).hasMessageContaining("not found");
        assertThatThrownBy(() -> {
            Path txt = Files.writeString(dir.resolve("m.txt"), "x");
            new ModelArtifacts(txt, null, dir, Device.CPU, 1, null, BenchProgress.NONE);
        }).isInstanceOf(PeregrineException.class).hasMessageContaining(".pt checkpoint or an .onnx");
    }
}
