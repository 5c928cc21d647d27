package dev.peregrine.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.testing.Fixtures;
import dev.peregrine.testing.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A dynamic export (batch, height, width axes; anchors computed in the graph) gives the outputs of static exports:
 * at batch 1 and batch 4, and at another input size than the training one; for the task heads (segment with its
 * prototypes, pose, OBB, classify) at batch 2 and at another input size, every output.
 */
class DynamicExportTest {
    @TempDir
    static Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"yolov8n", "yolo11n", "yolo12n", "yolo26n"})
    void dynamicExportMatchesStaticExports(String name) throws Exception {
        JsonNode manifest = Fixtures.model("tiny", name);
        JsonNode groups = manifest.at("/onnx_check/results/input/0/groups");
        double boxTol = groups.at("/box/suggested_atol").asDouble();
        double scoreTol = groups.at("/score/suggested_atol").asDouble();
        Path pt = Fixtures.file("tiny/" + name + ".pt");
        Path dynamic = export(pt, ExportOptions.defaults().withDynamic(true), name + "-dynamic.onnx");
        Path static160 = export(pt, ExportOptions.defaults(), name + "-160.onnx");
        Path static224 = export(pt, ExportOptions.defaults().withImgsz(224, 192), name + "-224x192.onnx");

        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(dynamic));
        assertThat(dims(model.getGraph().getInput(0).getType().getTensorType().getShape()))
                .containsExactly("batch", "3", "height", "width");
        assertThat(dims(model.getGraph().getOutput(0).getType().getTensorType().getShape()).get(0)).isEqualTo("batch");
        assertThat(UltralyticsInterface.metadata(model)).containsEntry("args",
                "{'batch': 1, 'half': False, 'dynamic': True, 'simplify': False, 'opset': None, 'nms': False}");

        Npy bus = Npy.read(Fixtures.file("tiny/bus.input.npy"));
        OrtRun.Output ref = OrtRun.run(static160, bus.data, 1, 3, 160, 160).get("output0");
        OrtRun.Output one = OrtRun.run(dynamic, bus.data, 1, 3, 160, 160).get("output0");
        assertClose(one, ref, 1, boxTol, scoreTol);

        OrtRun.Output four = OrtRun.run(dynamic, OrtRun.repeat(bus.data, 4), 4, 3, 160, 160).get("output0");
        assertThat(four.shape()[0]).isEqualTo(4);
        for (int b = 0; b < 4; b++) {
            assertClose(item(four, b), ref, 1, boxTol, scoreTol);
        }

        float[] other = OrtRun.randomImage(7, 224, 192);
        OrtRun.Output ref224 = OrtRun.run(static224, other, 1, 3, 224, 192).get("output0");
        OrtRun.Output dyn224 = OrtRun.run(dynamic, other, 1, 3, 224, 192).get("output0");
        assertThat(dyn224.shape()).containsExactly(ref224.shape());
        assertClose(dyn224, ref224, 1, boxTol, scoreTol);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yolov8n-seg", "yolo11n-pose", "yolov8n-obb", "yolo11n-cls"})
    void dynamicTaskExportMatchesStaticExports(String name) throws Exception {
        JsonNode manifest = Fixtures.model("tiny", name);
        boolean classify = manifest.get("task").asText().equals("classify");
        Path pt = Fixtures.file("tiny/" + name + ".pt");
        Path dynamic = export(pt, ExportOptions.defaults().withDynamic(true), name + "-dynamic.onnx");
        Path static160 = export(pt, ExportOptions.defaults(), name + "-160.onnx");
        Path static224 = export(pt, ExportOptions.defaults().withImgsz(224, 192), name + "-224x192.onnx");

        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(dynamic));
        if (name.endsWith("-seg")) {
            assertThat(dims(model.getGraph().getOutput(1).getType().getTensorType().getShape()))
                    .containsExactly("batch", "32", "mask_height", "mask_width");
        }
        Npy bus = Npy.read(Fixtures.file(classify ? "tiny/bus.classify.input.npy" : "tiny/bus.input.npy"));
        var ref = OrtRun.run(static160, bus.data, 1, 3, 160, 160);
        var two = OrtRun.run(dynamic, OrtRun.repeat(bus.data, 2), 2, 3, 160, 160);
        float[] other = OrtRun.randomImage(7, 224, 192);
        var ref224 = OrtRun.run(static224, other, 1, 3, 224, 192);
        var dyn224 = OrtRun.run(dynamic, other, 1, 3, 224, 192);
        for (JsonNode check : manifest.at("/onnx_check/results/input")) {
            String output = check.get("output").asText();
            double tol = 0;
            for (JsonNode group : check.get("groups")) {
                tol = Math.max(tol, group.get("suggested_atol").asDouble());
            }
            for (int b = 0; b < 2; b++) {
                OrtRun.Output got = item(two.get(output), b);
                assertThat(got.shape()).containsExactly(ref.get(output).shape());
                assertThat(OutputDiff.maxAbs(got.data(), ref.get(output).data())).as(output).isLessThanOrEqualTo(tol);
            }
            assertThat(dyn224.get(output).shape()).containsExactly(ref224.get(output).shape());
            assertThat(OutputDiff.maxAbs(dyn224.get(output).data(), ref224.get(output).data())).as(output)
                    .isLessThanOrEqualTo(tol);
        }
    }

    private static Path export(Path pt, ExportOptions options, String file) throws Exception {
        return Exporter.export(pt, options.withOutput(dir.resolve(file)), ProgressListener.NONE).onnx();
    }

    /** Batch item {@code b} of an output, as a batch-1 output. */
    private static OrtRun.Output item(OrtRun.Output o, int b) {
        int per = o.data().length / (int) o.shape()[0];
        long[] shape = o.shape().clone();
        shape[0] = 1;
        return new OrtRun.Output(shape, Arrays.copyOfRange(o.data(), b * per, (b + 1) * per));
    }

    private static void assertClose(OrtRun.Output got, OrtRun.Output ref, int batch, double boxTol,
            double scoreTol) {
        assertThat(got.shape()).containsExactly(ref.shape());
        if (got.shape()[2] == 6) {
            int k = got.dim(1);
            OutputDiff.RowMatch m = OutputDiff.matchRows(got.data(), ref.data(), k, boxTol, scoreTol);
            assertThat(m.unmatched()).isEmpty();
            assertThat(m.matched()).isGreaterThan(k * 9 / 10);
        } else {
            int rows = got.dim(1);
            int anchors = got.dim(2);
            assertThat(OutputDiff.maxAbs(got.data(), ref.data(), batch, rows, anchors, 0, 4)).isLessThanOrEqualTo(boxTol);
            assertThat(OutputDiff.maxAbs(got.data(), ref.data(), batch, rows, anchors, 4, rows))
                    .isLessThanOrEqualTo(scoreTol);
        }
    }

    private static List<String> dims(TensorShapeProto s) {
        List<String> out = new ArrayList<>();
        s.getDimList().forEach(d -> out.add(d.hasDimValue() ? Long.toString(d.getDimValue()) : d.getDimParam()));
        return out;
    }
}
