package dev.peregrine.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.peregrine.engines.image.ImageDecoder;
import dev.peregrine.engines.image.InputBatch;
import dev.peregrine.engines.image.LetterboxedImage;
import dev.peregrine.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.io.TempDir;

/**
 * The really trained shapes detector: our export and Ultralytics' ONNX export of the same {@code best.pt}, both run
 * with ONNX Runtime on the same input (random images and letterboxed validation images), agree (boxes to 1e-3 px,
 * scores to 1e-5), and carry the same metadata apart from the export date.
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

        List<float[]> inputs = new ArrayList<>(List.of(OrtRun.randomImage(1, 320, 320)));
        for (String img : List.of("000001.jpg", "000002.jpg")) {
            inputs.add(letterboxed(Fixtures.file("trained/images/val/" + img)));
        }
        for (float[] input : inputs) {
            OrtRun.Output ours = OrtRun.run(r.onnx(), input, 1, 3, 320, 320).get("output0");
            OrtRun.Output ref = OrtRun.run(theirs, input, 1, 3, 320, 320).get("output0");
            assertThat(ours.shape()).containsExactly(1, 9, 2100);
            assertThat(OutputDiff.maxAbs(ours.data(), ref.data(), 1, 9, 2100, 0, 4)).isLessThan(1e-3);
            assertThat(OutputDiff.maxAbs(ours.data(), ref.data(), 1, 9, 2100, 4, 9)).isLessThan(1e-5);
        }

        assertThat(maxScore(OrtRun.run(r.onnx(), inputs.get(1), 1, 3, 320, 320).get("output0")))
                .as("a trained model finds a shape in a validation image").isGreaterThan(0.5f);

        Map<String, String> a = UltralyticsInterface.metadata(ModelProto.parseFrom(Files.readAllBytes(r.onnx())));
        Map<String, String> b = UltralyticsInterface.metadata(ModelProto.parseFrom(Files.readAllBytes(theirs)));
        assertThat(a.keySet()).containsExactlyElementsOf(b.keySet());
        a.remove("date");
        b.remove("date");
        assertThat(a).containsExactlyEntriesOf(b);
    }

    /** A validation image letterboxed to 320x320 by the engines' preprocessing, as a [1, 3, 320, 320] tensor. */
    private static float[] letterboxed(Path jpg) throws Exception {
        try (Mat bgr = ImageDecoder.decode(Files.readAllBytes(jpg), ImageDecoder.DEFAULT_MAX_PIXELS);
                LetterboxedImage lb = LetterboxedImage.of(bgr, 320, 320);
                InputBatch batch = new InputBatch(1, 320, 320)) {
            batch.put(0, lb);
            float[] out = new float[batch.floatsPerImage()];
            batch.buffer().get(out);
            return out;
        }
    }

    private static float maxScore(OrtRun.Output o) {
        float max = 0;
        for (int i = 4 * 2100; i < o.data().length; i++) {
            max = Math.max(max, o.data()[i]);
        }
        return max;
    }
}
