package dev.peregrine.engines.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.engines.Classification;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.image.CenterCropImage;
import dev.peregrine.engines.image.InputBatch;
import dev.peregrine.testing.Fixtures;
import dev.peregrine.testing.Npy;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classifiers of the fixtures end to end: bus.jpg through {@link YoloClassifier} gives Ultralytics' top-5
 * classes and probabilities, and the preprocessing (Pillow bilinear resize of the short side, centre crop) gives
 * Ultralytics' input tensor.
 */
class ClassifyParityTest {
    private static final Logger LOG = LoggerFactory.getLogger(ClassifyParityTest.class);

    @ParameterizedTest
    @ValueSource(strings = {"yolov8n-cls", "yolo11n-cls"})
    void top5MatchesUltralytics(String model) throws Exception {
        byte[] bus = Files.readAllBytes(Fixtures.file("images/bus.jpg"));
        JsonNode top5 = Fixtures.readJson(Fixtures.file("tiny/" + model + ".predict.json")).at("/square/top5");
        try (YoloClassifier classifier = YoloClassifier.open(EngineConfig.cpu(Fixtures.file("tiny/" + model
                + ".onnx")))) {
            Classification c = classifier.classify(bus);
            assertThat(c.size()).isEqualTo(top5.size());
            double worst = 0;
            for (int i = 0; i < top5.size(); i++) {
                assertThat(c.classId(i)).as("rank %d", i).isEqualTo(top5.get(i).get("cls").asInt());
                worst = Math.max(worst, Math.abs(c.probability(i) - top5.get(i).get("prob").asDouble()));
            }
            LOG.info("{}: top-5 {} equal, worst probability error {}", model, c,
                    String.format(Locale.ROOT, "%.2e", worst));
            // The reference rounds to 6 decimals.
            assertThat(worst).isLessThanOrEqualTo(1e-3);
        }
    }

    @Test
    void preprocessingMatchesUltralyticsTensor() throws Exception {
        Npy expected = Npy.read(Fixtures.file("tiny/bus.classify.input.npy"));
        float[] actual = new float[expected.size()];
        try (YoloClassifier classifier = YoloClassifier.open(EngineConfig.cpu(Fixtures.file(
                "tiny/yolov8n-cls.onnx")));
             CenterCropImage img = classifier.prepare(Files.readAllBytes(Fixtures.file("images/bus.jpg")));
             InputBatch batch = new InputBatch(1, 160, 160)) {
            assertThat(img.originalWidth()).isEqualTo(810);
            batch.put(0, img);
            FloatBuffer buf = batch.buffer();
            buf.get(actual);
        }
        float max = 0;
        for (int i = 0; i < actual.length; i++) {
            float err = Math.abs(actual[i] - expected.data[i]);
            max = Math.max(max, err);
        }
        LOG.info("bus.jpg classify input: max error {} ({} levels)", max, max * 255);
        // Pixel-identical: the only difference is InputBatch's multiplication by 1/255 (one float ulp).
        assertThat(max).isLessThanOrEqualTo(1e-7f);
    }
}
