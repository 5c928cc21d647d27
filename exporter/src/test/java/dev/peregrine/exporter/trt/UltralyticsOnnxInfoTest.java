package dev.peregrine.exporter.trt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Task;
import dev.peregrine.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UltralyticsOnnxInfoTest {
    @TempDir
    Path dir;

    private static ModelInfo info(String name) throws Exception {
        return UltralyticsOnnxInfo.of(OnnxModelSummary.read(Fixtures.file("tiny/" + name + ".onnx")));
    }

    @Test
    void detectorMetadataMatchesTheManifest() throws Exception {
        ModelInfo m = info("yolov8n");
        JsonNode ref = Fixtures.model("tiny", "yolov8n");
        List<String> names = new ArrayList<>();
        ref.get("names").forEach(n -> names.add(n.asText()));
        assertThat(m.names()).isEqualTo(names);
        assertThat(m.task()).isEqualTo(Task.DETECT);
        assertThat(m.inputHeight()).isEqualTo(160);
        assertThat(m.inputWidth()).isEqualTo(160);
        assertThat(m.stride()).isEqualTo(32);
        assertThat(m.batch()).isEqualTo(1);
        assertThat(m.endToEnd()).isFalse();
        assertThat(m.channels()).isEqualTo(3);
    }

    @Test
    void poseAndEndToEndModels() throws Exception {
        assertThat(info("yolov8n-pose").kptShape()).containsExactly(17, 3);
        assertThat(info("yolov8n-pose").task()).isEqualTo(Task.POSE);
        assertThat(info("yolov10n").endToEnd()).isTrue();
        assertThat(info("yolov8n-obb").names()).hasSize(15);
    }

    @Test
    void namesWithQuotesAndDynamicBatch() throws Exception {
        Path f = TinyOnnx.withInput(DataType.FLOAT_VALUE, -1, 3, 64, 64).ultralytics(64).write(dir.resolve("q.onnx"));
        ModelInfo m = UltralyticsOnnxInfo.of(OnnxModelSummary.read(f));
        assertThat(m.names()).containsExactly("person", "o'neil");
        assertThat(m.batch()).isEqualTo(-1);
    }

    @Test
    void modelsWithoutMetadataOrWithBrokenMetadataAreRefused() throws Exception {
        Path bare = TinyOnnx.withInput(DataType.FLOAT_VALUE, 1, 3, 64, 64).write(dir.resolve("bare.onnx"));
        assertThatThrownBy(() -> UltralyticsOnnxInfo.of(OnnxModelSummary.read(bare)))
                .isInstanceOf(PeregrineException.class)
                .hasMessageContaining("bare.onnx has no Ultralytics metadata");
        Path gap = TinyOnnx.withInput(DataType.FLOAT_VALUE, 1, 3, 64, 64)
                .metadata(Map.of("names", "{0: 'a', 2: 'c'}", "imgsz", "[64, 64]")).write(dir.resolve("gap.onnx"));
        assertThatThrownBy(() -> UltralyticsOnnxInfo.of(OnnxModelSummary.read(gap)))
                .hasMessageContaining("gap.onnx: unreadable Ultralytics metadata").hasMessageContaining("found 2");
    }
}
