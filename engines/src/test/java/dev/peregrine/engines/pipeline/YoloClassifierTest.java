package dev.peregrine.engines.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.Classification;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.image.CenterCropImage;
import dev.peregrine.engines.image.LetterboxedImage;
import dev.peregrine.testing.Fixtures;
import java.nio.file.Files;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** {@link YoloClassifier}'s contract: model checks, batching, bad images and use after close. */
class YoloClassifierTest {

    @Test
    void refusesDetectionModelsAndDetectorRefusesClassifiers() {
        assertCode(() -> YoloClassifier.open(EngineConfig.cpu(Fixtures.file("tiny/yolov8n.onnx"))),
                ErrorCode.UNSUPPORTED, "detect model, not a classifier");
    }

    @Test
    void batchesGiveTheSameResultAsSingleImagesAndBadInputFails() throws Exception {
        byte[] bus = Files.readAllBytes(Fixtures.file("images/bus.jpg"));
        byte[] chelsea = Files.readAllBytes(Fixtures.file("images/chelsea.png"));
        try (YoloClassifier c = YoloClassifier.open(EngineConfig.cpu(Fixtures.file("tiny/yolo11n-cls.onnx")));
             YoloDetector d = YoloDetector.open(EngineConfig.cpu(Fixtures.file("tiny/yolov8n.onnx")))) {
            Classification one = c.classify(bus);
            Classification two = c.classify(chelsea);
            try (CenterCropImage a = c.prepare(bus); CenterCropImage b = c.prepare(chelsea)) {
                List<Classification> both = c.classify(List.of(a, b), 10);
                assertThat(both.get(0).classIds()).startsWith(one.classIds());
                assertThat(both.get(1).classIds()).startsWith(two.classIds());
                assertThat(both.get(0).size()).isEqualTo(10);
                assertCode(() -> c.classify(List.of(a), 0), ErrorCode.BAD_INPUT, "top-k");
            }
            try (LetterboxedImage boxed = d.prepare(bus)) {
                assertCode(() -> c.classify(List.of(boxed), 5), ErrorCode.BAD_INPUT, "not prepared by a YoloClassifier");
            }
            assertCode(() -> c.prepare(new byte[] {1, 2, 3}), ErrorCode.BAD_INPUT);
            c.warmUp();
            c.close();
            c.close();
            assertCode(() -> c.classify(bus), ErrorCode.ENGINE_FAILURE, "closed");
        }
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code, String... fragments) {
        assertThatThrownBy(call).isInstanceOfSatisfying(PeregrineException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            if (fragments.length > 0) {
                assertThat(e.getMessage()).contains(fragments);
            }
        });
    }
}
