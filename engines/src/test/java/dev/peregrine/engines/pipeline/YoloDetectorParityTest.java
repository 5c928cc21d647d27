package dev.peregrine.engines.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.testing.Fixtures;
import dev.peregrine.testing.ReferenceDetections;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End to end: encoded image → {@link YoloDetector} → detections in original pixels, against Ultralytics'
 * {@code predict} output. Covers both head layouts (anchor-free and end-to-end) on the tiny random models and the
 * trained shapes detector on its 20 reference images.
 */
class YoloDetectorParityTest {
    private static final Logger LOG = LoggerFactory.getLogger(YoloDetectorParityTest.class);

    @ParameterizedTest
    @ValueSource(strings = {"yolov5nu", "yolov8n", "yolov9t", "yolov10n", "yolo11n", "yolo12n", "yolo26n"})
    void tinyModelsReproduceUltralyticsPredictOnBus(String model) throws Exception {
        byte[] bus = Files.readAllBytes(Fixtures.file("images/bus.jpg"));
        JsonNode square = Fixtures.readJson(Fixtures.file("tiny/" + model + ".predict.json")).get("square");
        try (YoloDetector detector = YoloDetector.open(EngineConfig.cpu(Fixtures.file("tiny/" + model + ".onnx")))) {
            assertThat(detector.info().endToEnd()).isEqualTo(model.equals("yolov10n") || model.equals("yolo26n"));
            List<Detection> actual = detector.detect(bus, DetectOptions.defaults());
            List<Detection> expected = ReferenceDetections.parse(square.get("detections"));
            // IoU >= 0.99 per box; boxes clipped to zero width at the border compare coordinate-wise (0.5 px).
            var match = ReferenceDetections.match(model, expected, actual, 0.99, 1e-3, 0.5);
            LOG.info("{}: {} detections match, worst IoU {}, worst |dconf| {}, {} zero-width boxes matched by "
                    + "coordinates", model, match.count(), String.format(Locale.ROOT, "%.5f", match.worstIou()),
                    String.format(Locale.ROOT, "%.2e", match.worstScoreDiff()), match.matchedByCoordinates());
        }
    }

    @Test
    void trainedModelReproducesReferencePredictions() throws Exception {
        JsonNode ref = Fixtures.readJson(Fixtures.file("trained/predictions.json"));
        double worstIou = 1;
        double worstConf = 0;
        int total = 0;
        try (YoloDetector detector = YoloDetector.open(EngineConfig.cpu(Fixtures.file("trained/shapes-yolov8n.onnx")))) {
            assertThat(detector.info().names()).containsExactly("circle", "square", "triangle", "star", "cross");
            assertThat(detector.info().inputHeight()).isEqualTo(320);
            for (JsonNode image : ref.get("images")) {
                String file = image.get("file").asText();
                byte[] bytes = Files.readAllBytes(Fixtures.file("trained/images/val/" + file));
                List<Detection> actual = detector.detect(bytes, DetectOptions.defaults());
                List<Detection> expected = ReferenceDetections.parse(image.get("detections"));
                assertThat(actual).as(file + " count").hasSameSizeAs(expected);
                var match = ReferenceDetections.match(file, expected, actual, 0.95, 0.02, 0);
                worstIou = Math.min(worstIou, match.worstIou());
                worstConf = Math.max(worstConf, match.worstScoreDiff());
                total += match.count();
            }
        }
        assertThat(total).isEqualTo(62);
        LOG.info("trained model: {} detections on 20 images match; worst IoU {}, worst |dconf| {}", total,
                String.format(Locale.ROOT, "%.5f", worstIou), String.format(Locale.ROOT, "%.5f", worstConf));
    }
}
