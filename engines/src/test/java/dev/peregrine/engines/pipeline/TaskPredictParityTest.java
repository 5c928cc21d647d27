package dev.peregrine.engines.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.Task;
import dev.peregrine.engines.decode.InstanceMask;
import dev.peregrine.engines.decode.Keypoints;
import dev.peregrine.engines.decode.OrientedBox;
import dev.peregrine.testing.Fixtures;
import dev.peregrine.testing.ReferenceDetections;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End to end on bus.jpg with the Ultralytics ONNX of the tiny segment, pose and OBB models (YOLOv8 and YOLO11):
 * {@link YoloDetector} reproduces Ultralytics' {@code predict} ({@code square} variant): same detections (class,
 * IoU >= 0.99, score within 1e-3), and per detection the mask's pixel count at model-input resolution, the keypoints
 * (within 1 px, confidence within 1e-3 plus the reference's rounding) or the rotated box ({@code xywhr}).
 */
class TaskPredictParityTest {
    private static final Logger LOG = LoggerFactory.getLogger(TaskPredictParityTest.class);
    /** The reference rounds to 3 decimals. */
    private static final double ROUNDING = 5e-4;

    @ParameterizedTest
    @ValueSource(strings = {"yolov8n-seg", "yolo11n-seg"})
    void segmentationMasksMatchUltralytics(String model) throws Exception {
        Run run = run(model, Task.SEGMENT);
        assertThat(run.square.at("/mask_shape/0").asInt()).isEqualTo(160);
        double worst = 0;
        int totalRef = 0;
        int totalOurs = 0;
        for (int i = 0; i < run.expected.size(); i++) {
            Detection got = run.actual.get(run.match.partners()[i]);
            int reference = run.square.get("detections").get(i).get("mask_pixels").asInt();
            InstanceMask mask = (InstanceMask) got.extra();
            assertThat(mask.canvasWidth()).isEqualTo(160);
            assertThat(mask.mapping()).isNotNull();
            double rel = Math.abs(mask.pixelCount() - reference) / (double) reference;
            worst = Math.max(worst, rel);
            totalRef += reference;
            totalOurs += mask.pixelCount();
            assertThat(rel).as("%s detection %d: %d mask pixels, reference %d", model, i, mask.pixelCount(), reference)
                    .isLessThanOrEqualTo(0.03);
        }
        LOG.info("{}: {} masks, worst pixel-count difference {}%, total {} vs {}", model, run.expected.size(),
                String.format(Locale.ROOT, "%.2f", worst * 100), totalOurs, totalRef);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yolov8n-pose", "yolo11n-pose"})
    void keypointsMatchUltralytics(String model) throws Exception {
        Run run = run(model, Task.POSE);
        double worstXy = 0;
        double worstConf = 0;
        for (int i = 0; i < run.expected.size(); i++) {
            Keypoints k = (Keypoints) run.actual.get(run.match.partners()[i]).extra();
            JsonNode ref = run.square.get("detections").get(i).get("keypoints");
            assertThat(k.count()).isEqualTo(ref.size());
            assertThat(k.hasConfidence()).isTrue();
            for (int p = 0; p < k.count(); p++) {
                worstXy = Math.max(worstXy, Math.max(Math.abs(k.x(p) - ref.get(p).get(0).asDouble()),
                        Math.abs(k.y(p) - ref.get(p).get(1).asDouble())));
                worstConf = Math.max(worstConf, Math.abs(k.confidence(p) - ref.get(p).get(2).asDouble()));
                assertThat(k.x(p)).isBetween(0f, 810f);
                assertThat(k.y(p)).isBetween(0f, 1080f);
            }
        }
        LOG.info("{}: {} poses, worst keypoint error {} px, worst confidence error {}", model, run.expected.size(),
                String.format(Locale.ROOT, "%.4f", worstXy), String.format(Locale.ROOT, "%.2e", worstConf));
        assertThat(worstXy).isLessThanOrEqualTo(1.0);
        assertThat(worstConf).isLessThanOrEqualTo(1e-3 + ROUNDING);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yolov8n-obb", "yolo11n-obb"})
    void rotatedBoxesMatchUltralytics(String model) throws Exception {
        Run run = run(model, Task.OBB);
        double worstXy = 0;
        double worstAngle = 0;
        double worstCorner = 0;
        for (int i = 0; i < run.expected.size(); i++) {
            Detection got = run.actual.get(run.match.partners()[i]);
            OrientedBox box = (OrientedBox) got.extra();
            JsonNode ref = run.square.get("detections").get(i);
            JsonNode r = ref.get("xywhr");
            double[] diff = xywhrDifference(box, r.get(0).asDouble(), r.get(1).asDouble(), r.get(2).asDouble(),
                    r.get(3).asDouble(), r.get(4).asDouble());
            worstXy = Math.max(worstXy, diff[0]);
            worstAngle = Math.max(worstAngle, diff[1]);
            float[] corners = box.corners();
            JsonNode rc = ref.get("xyxyxyxy");
            for (int p = 0; p < 4; p++) {
                worstCorner = Math.max(worstCorner, Math.max(Math.abs(corners[2 * p] - rc.get(p).get(0).asDouble()),
                        Math.abs(corners[2 * p + 1] - rc.get(p).get(1).asDouble())));
            }
        }
        LOG.info("{}: {} rotated boxes, worst xywh error {} px, worst angle error {} rad, worst corner error {} px",
                model, run.expected.size(), String.format(Locale.ROOT, "%.4f", worstXy),
                String.format(Locale.ROOT, "%.2e", worstAngle), String.format(Locale.ROOT, "%.4f", worstCorner));
        assertThat(worstXy).isLessThanOrEqualTo(0.5);
        assertThat(worstAngle).isLessThanOrEqualTo(1e-3 + ROUNDING);
        assertThat(worstCorner).isLessThanOrEqualTo(0.5);
    }

    /**
     * Largest centre/size difference and angle difference between two {@code xywhr} boxes, taking the symmetries
     * of a rectangle into account: the angle modulo pi, and width and height swapped with the angle turned by pi/2
     * (the forms Ultralytics' regularisation moves between).
     */
    static double[] xywhrDifference(OrientedBox b, double cx, double cy, double w, double h, double r) {
        double centre = Math.max(Math.abs(b.cx() - cx), Math.abs(b.cy() - cy));
        double same = Math.max(Math.abs(b.width() - w), Math.abs(b.height() - h));
        double swapped = Math.max(Math.abs(b.width() - h), Math.abs(b.height() - w));
        double angleSame = angleModPi(b.angle() - r);
        double angleSwapped = angleModPi(b.angle() - r - Math.PI / 2);
        if (same + angleSame <= swapped + angleSwapped) {
            return new double[] {Math.max(centre, same), angleSame};
        }
        return new double[] {Math.max(centre, swapped), angleSwapped};
    }

    private static double angleModPi(double d) {
        double m = Math.IEEEremainder(d, Math.PI);
        return Math.abs(m);
    }

    private record Run(JsonNode square, List<Detection> expected, List<Detection> actual,
            ReferenceDetections.Match match) {
    }

    /** Runs the model's Ultralytics ONNX on bus.jpg and matches the detections with the reference boxes. */
    private static Run run(String model, Task task) throws Exception {
        byte[] bus = Files.readAllBytes(Fixtures.file("images/bus.jpg"));
        JsonNode square = Fixtures.readJson(Fixtures.file("tiny/" + model + ".predict.json")).get("square");
        try (YoloDetector detector = YoloDetector.open(EngineConfig.cpu(Fixtures.file("tiny/" + model + ".onnx")))) {
            assertThat(detector.info().task()).isEqualTo(task);
            List<Detection> actual = detector.detect(bus, DetectOptions.defaults());
            List<Detection> expected = ReferenceDetections.parse(square.get("detections"));
            var match = ReferenceDetections.match(model, expected, actual, 0.99, 1e-3, 0.5);
            LOG.info("{}: {} detections match, worst IoU {}, worst |dconf| {}", model, match.count(),
                    String.format(Locale.ROOT, "%.5f", match.worstIou()),
                    String.format(Locale.ROOT, "%.2e", match.worstScoreDiff()));
            return new Run(square, expected, actual, match);
        }
    }
}
