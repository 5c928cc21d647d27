package dev.peregrine.engines.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON layout of {@link EvalReportJson}: keys, their order and the figures under them. */
class EvalReportJsonTest {

    private static EvalReport report() {
        double[] ap = {0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.05};
        ClassMetrics bus = new ClassMetrics(5, "bus", 3, 4, 0.9, 0.75, ap);
        UltralyticsMetrics u = new UltralyticsMetrics(0.91, 0.76, 0.81, 0.31, 0.33, 0.4, List.of(bus));
        CocoMetrics coco = new CocoMetrics(0.32, 0.79, 0.3, 0.1, 0.2, 0.4, 0.45,
                List.of(new CocoMetrics.CocoClassAp(5, "bus", 0.32, 0.79)));
        return new EvalReport(List.of("bus"), 3, 4, 17, u, coco);
    }

    private static List<String> keys(JsonNode o) {
        List<String> keys = new ArrayList<>();
        o.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    @Test
    void writesUltralyticsFiguresPerClassRowsAndCocoFiguresInOrder() {
        ObjectNode json = EvalReportJson.toJson(report());
        assertThat(keys(json)).containsExactly("images", "instances", "predictions", "metrics", "classes", "coco");
        assertThat(json.get("predictions").asLong()).isEqualTo(17);

        JsonNode m = json.get("metrics");
        assertThat(keys(m)).containsExactly("precision", "recall", "mAP50", "mAP75", "mAP50-95", "fitness");
        assertThat(m.get("precision").asDouble()).isEqualTo(0.91);
        assertThat(m.get("mAP75").asDouble()).isEqualTo(0.31);
        assertThat(m.get("mAP50-95").asDouble()).isEqualTo(0.33);
        assertThat(m.get("fitness").asDouble()).isEqualTo(0.1 * 0.81 + 0.9 * 0.33);

        JsonNode row = json.get("classes").get(0);
        assertThat(keys(row)).containsExactly("class", "name", "images", "instances", "precision", "recall", "mAP50",
                "mAP75", "mAP50-95");
        assertThat(row.get("class").asInt()).isEqualTo(5);
        assertThat(row.get("recall").asDouble()).isEqualTo(0.75);
        assertThat(row.get("mAP50").asDouble()).isEqualTo(0.8);
        assertThat(row.get("mAP75").asDouble()).isEqualTo(0.3);
        assertThat(row.get("mAP50-95").asDouble()).isCloseTo(0.37, offset(1e-12));

        JsonNode coco = json.get("coco");
        assertThat(keys(coco)).containsExactly("mAP50-95", "mAP50", "mAP75", "mAP_small", "mAP_medium", "mAP_large",
                "AR100", "classes");
        assertThat(coco.get("AR100").asDouble()).isEqualTo(0.45);
        assertThat(keys(coco.get("classes").get(0))).containsExactly("name", "mAP50-95", "mAP50");
    }

    @Test
    void writeRoundTripsThroughAFile(@TempDir Path dir) throws Exception {
        ObjectNode json = EvalReportJson.toJson(report());
        json.put("model", "yolov8n.onnx");
        Path file = dir.resolve("val.json");
        EvalReportJson.write(file, json);
        String text = Files.readString(file);
        assertThat(text).as("indented").contains("\n  \"images\" : 3");
        // Compared as text: a long written to the file reads back as an int node.
        assertThat(new ObjectMapper().readTree(text).toString()).isEqualTo(json.toString());
    }
}
