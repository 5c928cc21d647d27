package dev.peregrine.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.peregrine.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The really trained shapes detector: our export and Ultralytics' ONNX export of the same {@code best.pt}, both run
 * with ONNX Runtime on the same input, agree (boxes to 1e-3 px, scores to 1e-5), and carry the same metadata apart
 * from the export date.
 */
class TrainedModelParityTest {
    @TempDir
    Path dir;

    @Test
    void ourExportMatchesUltralyticsOnnxOfTheTrainedModel() throws Exception {
        ExportResult r = Exporter.export(Fixtures.file("trained/shapes-yolov8n.pt"),
                ExportOptions.defaults().withOutput(dir.resolve("shapes.onnx")), ProgressListener.NONE);
        Path theirs = Fixtures.file("trained/shapes-yolov8n.onnx");
        assertThat(r.info().inputHeight()).isEqualTo(320);
        assertThat(r.info().names()).containsExactly("circle", "square", "triangle", "star", "cross");

        for (long seed : new long[] {1, 2}) {
            float[] input = OrtRun.randomImage(seed, 320, 320);
            OrtRun.Output ours = OrtRun.run(r.onnx(), input, 1, 3, 320, 320).get("output0");
            OrtRun.Output ref = OrtRun.run(theirs, input, 1, 3, 320, 320).get("output0");
            assertThat(ours.shape()).containsExactly(1, 9, 2100);
            assertThat(OutputDiff.maxAbs(ours.data(), ref.data(), 1, 9, 2100, 0, 4)).isLessThan(1e-3);
            assertThat(OutputDiff.maxAbs(ours.data(), ref.data(), 1, 9, 2100, 4, 9)).isLessThan(1e-5);
        }

        Map<String, String> a = DetectParityTest.metadata(ModelProto.parseFrom(Files.readAllBytes(r.onnx())));
        Map<String, String> b = DetectParityTest.metadata(ModelProto.parseFrom(Files.readAllBytes(theirs)));
        assertThat(a.keySet()).containsExactlyElementsOf(b.keySet());
        a.remove("date");
        b.remove("date");
        assertThat(a).containsExactlyEntriesOf(b);
    }
}
