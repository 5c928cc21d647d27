package dev.peregrine.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.testing.Fixtures;
import dev.peregrine.testing.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Other opsets than the default produce runnable models with the reference outputs: the end-to-end YOLO26 head
 * uses the operators whose form changed between opsets (ReduceMax, Split, Unsqueeze), and writes the matching IR.
 */
class OpsetVariantsTest {
    @TempDir
    static Path dir;

    @ParameterizedTest
    @ValueSource(ints = {13, 18, 21})
    void yolo26ExportRunsAtOtherOpsets(int opset) throws Exception {
        Path onnx = Exporter.export(Fixtures.file("tiny/yolo26n.pt"),
                ExportOptions.defaults().withOpset(opset).withOutput(dir.resolve(opset + ".onnx")),
                ProgressListener.NONE).onnx();
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(onnx));
        assertThat(model.getOpsetImport(0).getVersion()).isEqualTo(opset);
        assertThat(UltralyticsInterface.metadata(model).get("args")).contains("'opset': " + opset);

        JsonNode groups = Fixtures.model("tiny", "yolo26n").at("/onnx_check/results/input/0/groups");
        Npy input = Npy.read(Fixtures.file("tiny/bus.input.npy"));
        Npy ref = Npy.read(Fixtures.file("tiny/yolo26n.output0.npy"));
        OrtRun.Output out = OrtRun.run(onnx, input.data, input.shape).get("output0");
        OutputDiff.RowMatch m = OutputDiff.matchRows(out.data(), ref.data, 300,
                groups.at("/box/suggested_atol").asDouble(), groups.at("/score/suggested_atol").asDouble());
        assertThat(m.unmatched()).isEmpty();
        assertThat(m.matched()).isGreaterThan(270);
    }
}
