package dev.peregrine.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.bench.report.Agreement;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.pipeline.YoloDetector;
import dev.peregrine.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agreement check against Ultralytics' reference predictions of the trained model. */
class ReferenceCheckTest {

    @Test
    void peregrineMatchesUltralyticsAndADistortedPipelineDoesNot() throws Exception {
        ReferencePredictions ref = ReferencePredictions.read(Fixtures.file("trained/predictions.json"));
        assertThat(ref.detections()).hasSize(20);
        assertThat(ref.options().conf()).isEqualTo(0.25f);
        assertThat(ref.options().iou()).isEqualTo(0.7f);
        ReferenceCheck check = new ReferenceCheck(ref, Fixtures.file("trained/images/val"));
        try (YoloDetector d = YoloDetector.open(EngineConfig.cpu(Fixtures.file("trained/shapes-yolov8n.onnx")))) {
            Agreement ok = check.check("peregrine", "", bytes -> d.detect(bytes, ref.options()));
            assertThat(ok.images()).isEqualTo(20);
            assertThat(ok.referenceDetections()).isEqualTo(62);
            assertThat(ok.identical()).as(ok.toString()).isTrue();

            // Shifting every box by 3 px breaks the IoU >= 0.95 match of small boxes
            Agreement shifted = check.check("shifted", "moved", bytes -> {
                List<Detection> out = new ArrayList<>();
                for (Detection x : d.detect(bytes, ref.options())) {
                    out.add(new Detection(x.x1() + 3, x.y1(), x.x2() + 3, x.y2(), x.score(), x.classId()));
                }
                return out;
            });
            assertThat(shifted.matched()).isLessThan(62);
            assertThat(shifted.identical()).isFalse();
            assertThat(shifted.note()).isEqualTo("moved");
        }
    }

    @Test
    void matcherPairsOneToOneBySameClassOverlapAndScore() {
        Detection a = new Detection(0, 0, 100, 100, 0.9f, 1);
        Detection b = new Detection(200, 200, 300, 300, 0.5f, 2);
        assertThat(DetectionMatcher.matched(List.of(a, b), List.of(b, a))).isEqualTo(2);
        assertThat(DetectionMatcher.matched(List.of(a, a), List.of(a))).as("one-to-one").isEqualTo(1);
        assertThat(DetectionMatcher.matched(List.of(a), List.of(new Detection(0, 0, 100, 100, 0.9f, 2))))
                .as("class").isZero();
        assertThat(DetectionMatcher.matched(List.of(a), List.of(new Detection(0, 0, 100, 100, 0.85f, 1))))
                .as("score").isZero();
        assertThat(DetectionMatcher.matched(List.of(a), List.of(new Detection(0, 0, 100, 110, 0.9f, 1))))
                .as("IoU 0.909").isZero();
    }

    @Test
    void missingImagesAreReportedNotCounted() throws Exception {
        ReferencePredictions ref = ReferencePredictions.read(Fixtures.file("trained/predictions.json"));
        ReferenceCheck check = new ReferenceCheck(ref, Fixtures.file("images"));
        Agreement a = check.check("x", "", bytes -> List.of());
        assertThat(a.images()).isZero();
        assertThat(a.note()).contains("none of the reference's images");
    }
}
