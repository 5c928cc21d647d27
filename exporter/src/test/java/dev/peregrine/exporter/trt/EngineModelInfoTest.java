package dev.peregrine.exporter.trt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import dev.peregrine.engines.Task;
import dev.peregrine.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineModelInfoTest {
    @TempDir
    Path dir;

    @Test
    void fixtureDetectorAsTheManifestDescribesIt() throws Exception {
        ModelInfo m = EngineModelInfo.of(OnnxModelSummary.read(Fixtures.file("tiny/yolov8n.onnx")));
        List<String> names = new ArrayList<>();
        Fixtures.model("tiny", "yolov8n").get("names").forEach((JsonNode n) -> names.add(n.asText()));
        assertThat(m.names()).isEqualTo(names);
        assertThat(m.task()).isEqualTo(Task.DETECT);
        assertThat(m.inputHeight()).isEqualTo(160);
        assertThat(m.batch()).isEqualTo(1);
        assertThat(m.precision()).isEqualTo(Precision.FP32);
        assertThat(EngineModelInfo.of(OnnxModelSummary.read(Fixtures.file("tiny/yolov8n-pose.onnx"))).kptShape())
                .containsExactly(17, 3);
    }

    @Test
    void precisionIsTheGraphsNotTheMetadatas() throws Exception {
        // Metadata says nothing about half precision; the FP16 initializer decides.
        Path f = TinyOnnx.withInput(DataType.FLOAT_VALUE, -1, 3, 64, 64).initializer("w", DataType.FLOAT16_VALUE)
                .output(DataType.FLOAT_VALUE, -1, 6, 84).ultralytics(64).write(dir.resolve("half.onnx"));
        ModelInfo m = EngineModelInfo.of(OnnxModelSummary.read(f));
        assertThat(m.precision()).isEqualTo(Precision.FP16);
        assertThat(m.batch()).isEqualTo(-1);
    }

    @Test
    void nonImageModelsAreRefusedNamingTheFile() throws Exception {
        Path f = TinyOnnx.withInput(DataType.FLOAT_VALUE, 1, 10).write(dir.resolve("flat.onnx"));
        assertThatThrownBy(() -> EngineModelInfo.of(OnnxModelSummary.read(f)))
                .isInstanceOf(PeregrineException.class)
                .hasMessageStartingWith("flat.onnx: ")
                .hasMessageContaining("4-D float image tensor");
    }
}
