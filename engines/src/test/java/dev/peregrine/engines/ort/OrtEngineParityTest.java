package dev.peregrine.engines.ort;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.EngineOutputs;
import dev.peregrine.testing.Fixtures;
import dev.peregrine.testing.Npy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every tiny fixture model run through {@link OrtEngine} on its reference input reproduces every reference output
 * ({@code *.outputN.npy}) within the manifest's {@code suggested_atol}, per channel group: rows {@code 0-3} box,
 * {@code 4..4+nc} score, then mask coefficients / keypoints / angle; the whole tensor for {@code protos} and
 * {@code probs}. End-to-end heads are compared as sets of rows (ties in TopK may reorder rows), matching each
 * reference row to an unused row of the same class whose score and box are within tolerance.
 */
class OrtEngineParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"yolov5nu", "yolov8n", "yolov9t", "yolov10n", "yolo11n", "yolo12n", "yolo26n",
        "yolov8n-seg", "yolov8n-pose", "yolov8n-obb", "yolov8n-cls", "yolo11n-seg", "yolo11n-pose", "yolo11n-obb",
        "yolo11n-cls"})
    void reproducesReferenceOutputs(String name) throws Exception {
        JsonNode m = Fixtures.model("tiny", name);
        boolean classify = m.get("task").asText().equals("classify");
        Npy input = Npy.read(Fixtures.file("tiny/" + (classify ? "bus.classify.input.npy" : "bus.input.npy")));
        try (OrtEngine engine = OrtEngine.open(EngineConfig.cpu(Fixtures.file("tiny/" + name + ".onnx")))) {
            assertThat(engine.maxBatch()).isEqualTo(1);
            assertThat(engine.description()).isEqualTo("onnxruntime-cpu");
            EngineOutputs outs = engine.run(direct(input.data), 1);
            JsonNode results = m.get("onnx_check").get("results").get("input");
            assertThat(outs.size()).isEqualTo(results.size());
            int nc = m.get("nc").asInt();
            for (int k = 0; k < results.size(); k++) {
                JsonNode result = results.get(k);
                Npy ref = Npy.read(Fixtures.file("tiny/" + name + ".output" + k + ".npy"));
                EngineOutputs.OutputTensor out = outs.get(k);
                assertThat(out.name()).isEqualTo(result.get("output").asText());
                assertThat(out.shape()).containsExactly(ref.shape);
                float[] actual = new float[out.data().remaining()];
                out.data().get(0, actual);
                if (m.get("end2end").asBoolean()) {
                    compareEndToEnd(name, ref, actual, result.get("groups"));
                } else {
                    compareGroups(name + " " + out.name(), ref, actual, result.get("groups"), nc);
                }
            }
        }
    }

    private static void compareGroups(String what, Npy ref, float[] actual, JsonNode groups, int nc) {
        int rowsStart = 0;
        int rowLength = ref.shape.length == 3 ? (int) ref.shape[2] : ref.size();
        Iterator<Map.Entry<String, JsonNode>> it = groups.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> g = it.next();
            double atol = g.getValue().get("suggested_atol").asDouble();
            int rows = switch (g.getKey()) {
                case "box" -> 4;
                case "score" -> nc;
                case "mask_coeffs", "keypoints", "angle" -> (int) ref.shape[1] - 4 - nc;
                default -> ref.size() / rowLength; // protos, probs: the whole tensor
            };
            int from = rowsStart * rowLength;
            int to = from + rows * rowLength;
            double maxDiff = 0;
            for (int i = from; i < to; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(actual[i] - ref.data[i]));
            }
            assertThat(maxDiff).as("%s group %s (atol %s)", what, g.getKey(), atol).isLessThanOrEqualTo(atol);
            rowsStart = g.getKey().equals("protos") || g.getKey().equals("probs") ? 0 : rowsStart + rows;
        }
    }

    private static void compareEndToEnd(String what, Npy ref, float[] actual, JsonNode groups) {
        double boxTol = groups.get("box").get("suggested_atol").asDouble();
        double scoreTol = groups.get("score").get("suggested_atol").asDouble();
        double classTol = groups.get("class").get("suggested_atol").asDouble();
        int cols = (int) ref.shape[2];
        int rows = (int) ref.shape[1];
        boolean[] used = new boolean[rows];
        List<Integer> unmatched = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            int best = -1;
            double bestScoreDiff = Double.MAX_VALUE;
            double bestBoxDiff = Double.MAX_VALUE;
            for (int a = 0; a < rows; a++) {
                if (used[a] || Math.abs(actual[a * cols + 5] - ref.data[r * cols + 5]) > classTol) {
                    continue;
                }
                double scoreDiff = Math.abs(actual[a * cols + 4] - ref.data[r * cols + 4]);
                double boxDiff = 0;
                for (int c = 0; c < 4; c++) {
                    boxDiff = Math.max(boxDiff, Math.abs(actual[a * cols + c] - ref.data[r * cols + c]));
                }
                if (scoreDiff <= scoreTol && boxDiff <= boxTol
                        && (scoreDiff < bestScoreDiff || (scoreDiff == bestScoreDiff && boxDiff < bestBoxDiff))) {
                    best = a;
                    bestScoreDiff = scoreDiff;
                    bestBoxDiff = boxDiff;
                }
            }
            if (best < 0) {
                unmatched.add(r);
            } else {
                used[best] = true;
            }
        }
        assertThat(unmatched).as("%s: reference rows without a partner (score tol %s, box tol %s)", what, scoreTol,
                boxTol).isEmpty();
    }

    static FloatBuffer direct(float[] data) {
        FloatBuffer b = ByteBuffer.allocateDirect(data.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        b.put(data).flip();
        return b;
    }
}
