package dev.peregrine.exporter.trt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import dev.peregrine.engines.TensorSpec;
import dev.peregrine.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelSummaryTest {
    @TempDir
    Path dir;

    private static long[] longs(JsonNode a) {
        long[] v = new long[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asLong();
        }
        return v;
    }

    /** Every tiny fixture ONNX: inputs, outputs and metadata as the manifest recorded them from the real export. */
    @Test
    void readsEveryFixtureModelAsTheManifestDescribesIt() throws Exception {
        int checked = 0;
        for (JsonNode m : Fixtures.manifest().get("models")) {
            if (!m.path("files").has("onnx")) {
                continue;
            }
            OnnxModelSummary s = OnnxModelSummary.read(Fixtures.file(m.get("files").get("onnx").asText()));
            List<String> names = new ArrayList<>();
            for (JsonNode in : m.get("onnx_inputs")) {
                names.add(in.get("name").asText());
            }
            assertThat(s.inputs()).extracting(TensorSpec::name).as(m.get("name").asText()).isEqualTo(names);
            assertThat(s.inputs().get(0).shape()).isEqualTo(longs(m.get("onnx_inputs").get(0).get("shape")));
            assertThat(s.inputs().get(0).elementType()).isEqualTo("float");
            assertThat(s.outputs()).hasSize(m.get("onnx_outputs").size());
            for (int i = 0; i < s.outputs().size(); i++) {
                assertThat(s.outputs().get(i).shape()).isEqualTo(longs(m.get("onnx_outputs").get(i).get("shape")));
            }
            assertThat(s.metadata().get("names")).isEqualTo(m.get("onnx_metadata").get("names").asText());
            assertThat(s.precision()).isEqualTo(Precision.FP32);
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(15);
    }

    @Test
    void symbolicDimensionsReadAsDynamic() throws Exception {
        Path f = TinyOnnx.withInput(DataType.FLOAT_VALUE, -1, 3, -1, -1).write(dir.resolve("dyn.onnx"));
        assertThat(OnnxModelSummary.read(f).inputs().get(0).shape()).containsExactly(-1, 3, -1, -1);
    }

    @Test
    void precisionComesFromTheGraph() throws Exception {
        Path fp16 = TinyOnnx.withInput(DataType.FLOAT_VALUE, 1, 3, 32, 32).initializer("w", DataType.FLOAT16_VALUE)
                .write(dir.resolve("fp16.onnx"));
        OnnxModelSummary s = OnnxModelSummary.read(fp16);
        assertThat(s.precision()).isEqualTo(Precision.FP16);
        assertThat(s.inputs()).extracting(TensorSpec::name).containsExactly("images"); // initializer inputs dropped

        Path halfIo = TinyOnnx.withInput(DataType.FLOAT16_VALUE, 1, 3, 32, 32).write(dir.resolve("halfio.onnx"));
        assertThat(OnnxModelSummary.read(halfIo).precision()).isEqualTo(Precision.FP16);
        assertThat(OnnxModelSummary.read(halfIo).inputs().get(0).elementType()).isEqualTo("float16");

        Path qdq = TinyOnnx.withInput(DataType.FLOAT_VALUE, 1, 3, 32, 32).initializer("w", DataType.FLOAT16_VALUE)
                .node("QuantizeLinear").node("DequantizeLinear").write(dir.resolve("int8.onnx"));
        assertThat(OnnxModelSummary.read(qdq).precision()).isEqualTo(Precision.INT8);
    }

    @Test
    void missingAndNonOnnxFilesAreNamed() throws Exception {
        assertThatThrownBy(() -> OnnxModelSummary.read(dir.resolve("none.onnx")))
                .isInstanceOf(PeregrineException.class)
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
        Path text = Files.writeString(dir.resolve("notes.onnx"), "this is not protobuf at all \u00ff\u00fe");
        assertThatThrownBy(() -> OnnxModelSummary.read(text))
                .isInstanceOf(PeregrineException.class)
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.BAD_INPUT))
                .hasMessageContaining("notes.onnx");
    }
}
