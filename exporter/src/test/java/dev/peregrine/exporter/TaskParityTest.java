package dev.peregrine.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.engines.Classification;
import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.Device;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.Task;
import dev.peregrine.engines.decode.InstanceMask;
import dev.peregrine.engines.decode.Keypoints;
import dev.peregrine.engines.decode.OrientedBox;
import dev.peregrine.engines.pipeline.YoloClassifier;
import dev.peregrine.engines.pipeline.YoloDetector;
import dev.peregrine.testing.Fixtures;
import dev.peregrine.testing.Npy;
import dev.peregrine.testing.ReferenceDetections;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segment, pose, OBB and classify checkpoints of the fixtures (YOLOv8 and YOLO11), exported by us and run with
 * ONNX Runtime on the fixture input, reproduce every output of the Ultralytics module within the manifest's
 * tolerance per channel group (box, score, mask_coeffs, keypoints, angle, protos, probs), the file has the
 * interface and metadata of Ultralytics' ONNX beside it, and the engines decode it into Ultralytics' predict result.
 */
class TaskParityTest {
    private static final Logger LOG = LoggerFactory.getLogger(TaskParityTest.class);

    @TempDir
    static Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"yolov8n-seg", "yolo11n-seg", "yolov8n-pose", "yolo11n-pose", "yolov8n-obb",
        "yolo11n-obb", "yolov8n-cls", "yolo11n-cls"})
    void exportReproducesUltralyticsOutputs(String name) throws Exception {
        JsonNode manifest = Fixtures.model("tiny", name);
        Task task = Task.fromUltralytics(manifest.get("task").asText());
        int nc = manifest.get("nc").asInt();
        Path onnx = dir.resolve(name + ".onnx");
        ExportResult result = Exporter.export(Fixtures.file("tiny/" + name + ".pt"),
                ExportOptions.defaults().withOutput(onnx), ProgressListener.NONE);

        Npy input = Npy.read(Fixtures.file(task == Task.CLASSIFY ? "tiny/bus.classify.input.npy"
                : "tiny/bus.input.npy"));
        Map<String, OrtRun.Output> outputs = OrtRun.run(onnx, input.data, input.shape);
        JsonNode checks = manifest.at("/onnx_check/results/input");
        assertThat(outputs).hasSize(checks.size());
        Map<String, String> errors = new LinkedHashMap<>();
        for (JsonNode check : checks) {
            String output = check.get("output").asText();
            OrtRun.Output out = outputs.get(output);
            Npy ref = Npy.read(Fixtures.file("tiny/" + name + "." + output + ".npy"));
            assertThat(out).as(output).isNotNull();
            assertThat(out.shape()).as(output + " shape").containsExactly(ref.shape);
            check.get("groups").fields().forEachRemaining(group -> {
                double tol = group.getValue().get("suggested_atol").asDouble();
                double err = groupError(group.getKey(), out, ref, nc);
                errors.put(output + "." + group.getKey(), String.format(Locale.ROOT, "%.2g (tol %.2g)", err, tol));
                assertThat(err).as("%s %s %s error", name, output, group.getKey()).isLessThanOrEqualTo(tol);
            });
        }
        LOG.info("{}: max errors {}", name, errors);

        ModelInfo info = result.info();
        assertThat(info.task()).isEqualTo(task);
        assertThat(info.classCount()).isEqualTo(nc);
        assertThat(info.endToEnd()).isFalse();
        assertThat(info.stride()).isEqualTo(task == Task.CLASSIFY ? 1 : 32);
        assertThat(info.kptShape()).containsExactly(task == Task.POSE ? new int[] {17, 3} : new int[0]);
        UltralyticsInterface.assertSameInterface(onnx, Fixtures.file("tiny/" + name + ".onnx"));
        assertPredictMatchesUltralytics(name, task, onnx);
    }

    /**
     * Task payloads come from the right batch slot: a dynamic-batch export run on [bus, chelsea, bus] gives for each
     * image what the image gives alone.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"yolov8n-seg", "yolo11n-pose", "yolov8n-obb"})
    void batchedDetectionsCarryTheirOwnPayloads(String name) throws Exception {
        Path onnx = dir.resolve(name + "-dynamic.onnx");
        Exporter.export(Fixtures.file("tiny/" + name + ".pt"), ExportOptions.defaults().withDynamic(true)
                .withOutput(onnx), ProgressListener.NONE);
        byte[] bus = Files.readAllBytes(Fixtures.file("images/bus.jpg"));
        byte[] chelsea = Files.readAllBytes(Fixtures.file("images/chelsea.png"));
        try (YoloDetector detector = YoloDetector.open(new EngineConfig(onnx, Device.CPU, 3, null))) {
            List<Detection> one = detector.detect(bus, DetectOptions.defaults());
            List<Detection> other = detector.detect(chelsea, DetectOptions.defaults());
            try (var a = detector.prepare(bus); var b = detector.prepare(chelsea); var c = detector.prepare(bus)) {
                List<List<Detection>> batch = detector.detect(List.of(a, b, c), DetectOptions.defaults());
                assertSamePayloads(batch.get(0), one);
                assertSamePayloads(batch.get(1), other);
                assertSamePayloads(batch.get(2), one);
            }
        }
    }

    /**
     * Same payloads up to the float rounding ONNX Runtime's kernels may vary with the batch size (a payload read from
     * another slot would be far off).
     */
    private static void assertSamePayloads(List<Detection> got, List<Detection> want) {
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < got.size(); i++) {
            Detection.Extra g = got.get(i).extra();
            Detection.Extra w = want.get(i).extra();
            if (g instanceof InstanceMask m) {
                InstanceMask wm = (InstanceMask) w;
                assertThat(m.pixelCount()).isCloseTo(wm.pixelCount(), within(Math.max(2, wm.pixelCount() / 100)));
                assertThat(m.left()).isCloseTo(wm.left(), within(1));
                assertThat(m.top()).isCloseTo(wm.top(), within(1));
            } else if (g instanceof Keypoints k) {
                assertThat(k.coordinates()).containsExactly(((Keypoints) w).coordinates(), within(1e-2f));
            } else {
                OrientedBox b = (OrientedBox) g;
                OrientedBox wb = (OrientedBox) w;
                assertThat(new float[] {b.cx(), b.cy(), b.width(), b.height(), b.angle()}).containsExactly(
                        new float[] {wb.cx(), wb.cy(), wb.width(), wb.height(), wb.angle()}, within(1e-2f));
            }
        }
    }

    /**
     * Our export, run by the engines on bus.jpg, gives Ultralytics' {@code predict} result (the detailed payload
     * comparisons, on Ultralytics' ONNX, are in the engines' TaskPredictParityTest and ClassifyParityTest).
     */
    private static void assertPredictMatchesUltralytics(String name, Task task, Path onnx) throws Exception {
        byte[] bus = Files.readAllBytes(Fixtures.file("images/bus.jpg"));
        JsonNode square = Fixtures.readJson(Fixtures.file("tiny/" + name + ".predict.json")).get("square");
        if (task == Task.CLASSIFY) {
            try (YoloClassifier classifier = YoloClassifier.open(EngineConfig.cpu(onnx))) {
                Classification top5 = classifier.classify(bus);
                for (int i = 0; i < 5; i++) {
                    JsonNode ref = square.get("top5").get(i);
                    assertThat(top5.classId(i)).isEqualTo(ref.get("cls").asInt());
                    assertThat((double) top5.probability(i)).isCloseTo(ref.get("prob").asDouble(), within(1e-3));
                }
            }
            return;
        }
        try (YoloDetector detector = YoloDetector.open(EngineConfig.cpu(onnx))) {
            List<Detection> actual = detector.detect(bus, DetectOptions.defaults());
            ReferenceDetections.match(name, ReferenceDetections.parse(square.get("detections")), actual, 0.99, 1e-3,
                    0.5);
            Class<?> payload = switch (task) {
                case SEGMENT -> InstanceMask.class;
                case POSE -> Keypoints.class;
                default -> OrientedBox.class;
            };
            assertThat(actual).allSatisfy(d -> assertThat(d.extra()).isInstanceOf(payload));
        }
    }

    /**
     * Largest difference over one channel group: for {@code output0 [1, 4+nc+extra, A]} the rows of boxes, scores or
     * the task's extra values; the whole tensor for prototypes ({@code output1}) and class probabilities.
     */
    private static double groupError(String group, OrtRun.Output out, Npy ref, int nc) {
        if (out.shape().length != 3) {
            return OutputDiff.maxAbs(out.data(), ref.data);
        }
        int rows = out.dim(1);
        int anchors = out.dim(2);
        return switch (group) {
            case "box" -> OutputDiff.maxAbs(out.data(), ref.data, 1, rows, anchors, 0, 4);
            case "score" -> OutputDiff.maxAbs(out.data(), ref.data, 1, rows, anchors, 4, 4 + nc);
            default -> OutputDiff.maxAbs(out.data(), ref.data, 1, rows, anchors, 4 + nc, rows);
        };
    }
}
