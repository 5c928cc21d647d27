package dev.peregrine.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.Task;
import dev.peregrine.testing.Fixtures;
import dev.peregrine.testing.Npy;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every detection checkpoint of the fixtures, exported by us and run with ONNX Runtime on the fixture input,
 * reproduces the output of the Ultralytics module within the manifest's tolerance per channel group; for the tiny
 * models the file also has the interface (input/output names and shapes) and metadata of Ultralytics' ONNX beside it.
 */
class DetectParityTest {
    @TempDir
    static Path dir;

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({
        "tiny,yolov8n", "tiny,yolo11n", "tiny,yolov5nu", "tiny,yolo26n", "tiny,yolov10n", "tiny,yolo12n",
        "tiny,yolov9t", "full,yolov8n", "full,yolo11n", "full,yolo26n"})
    void exportReproducesUltralyticsOutputs(String set, String name) throws Exception {
        JsonNode manifest = Fixtures.model(set, name);
        Path onnx = dir.resolve(set + "-" + name + ".onnx");
        ExportResult result = Exporter.export(Fixtures.file(set + "/" + name + ".pt"),
                ExportOptions.defaults().withOutput(onnx), ProgressListener.NONE);
        assertThat(result.onnx()).isEqualTo(onnx).isRegularFile();

        Npy input = Npy.read(Fixtures.file(set + "/" + (set.equals("full") ? "bus.input640.npy" : "bus.input.npy")));
        Npy ref = Npy.read(Fixtures.file(set + "/" + name + ".output0.npy"));
        OrtRun.Output out = OrtRun.run(onnx, input.data, input.shape).get("output0");
        assertThat(out.shape()).containsExactly(ref.shape);

        JsonNode groups = manifest.at("/onnx_check/results/input/0/groups");
        double boxTol = groups.at("/box/suggested_atol").asDouble();
        double scoreTol = groups.at("/score/suggested_atol").asDouble();
        int nc = manifest.get("nc").asInt();
        boolean e2e = manifest.get("end2end").asBoolean();
        if (e2e) {
            int k = out.dim(1);
            OutputDiff.RowMatch match = OutputDiff.matchRows(out.data(), ref.data, k, boxTol, scoreTol);
            assertThat(match.unmatched()).as("reference rows without a match").isEmpty();
            assertThat(match.matched()).as("matched rows of %d", k).isGreaterThan(k * 9 / 10);
        } else {
            int rows = out.dim(1);
            int anchors = out.dim(2);
            assertThat(rows).isEqualTo(4 + nc);
            assertThat(OutputDiff.maxAbs(out.data(), ref.data, 1, rows, anchors, 0, 4)).as("box error")
                    .isLessThanOrEqualTo(boxTol);
            assertThat(OutputDiff.maxAbs(out.data(), ref.data, 1, rows, anchors, 4, rows)).as("score error")
                    .isLessThanOrEqualTo(scoreTol);
        }

        ModelInfo info = result.info();
        assertThat(info.task()).isEqualTo(Task.DETECT);
        assertThat(info.classCount()).isEqualTo(nc);
        assertThat(info.endToEnd()).isEqualTo(e2e);
        assertThat(info.inputHeight()).isEqualTo(manifest.at("/imgsz/0").asInt());
        assertThat(info.stride()).isEqualTo(32);
        assertThat(info.batch()).isEqualTo(1);

        if (set.equals("tiny")) {
            UltralyticsInterface.assertSameInterface(onnx, Fixtures.file("tiny/" + name + ".onnx"));
        }
    }
}
