package dev.peregrine.server.cli;

import static dev.peregrine.server.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peregrine val} end to end on the trained fixture, against Ultralytics' own val figures. */
class ValCommandTest {
    @TempDir
    Path dir;

    @Test
    void fp32FiguresMatchUltralyticsVal() throws Exception {
        Path json = dir.resolve("metrics.json");
        Path preds = dir.resolve("predictions.json");
        CliRun r = run("val", "--model", Fixtures.file("trained/shapes-yolov8n.onnx").toString(), "--data",
                Fixtures.file("trained/data.yaml").toString(), "--coco", "--json", json.toString(),
                "--save-predictions", preds.toString());
        System.out.print(r.out());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Box(P", "all        150        654", "circle", "cross",
                "Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]");

        JsonNode ref = Fixtures.readJson(Fixtures.file("trained/metrics.json")).at("/val/onnx");
        JsonNode got = Fixtures.readJson(json);
        // Same model, Peregrine's predict-style preprocessing (Ultralytics val resizes with INTER_AREA): within
        // half a point of Ultralytics' val
        assertThat(got.at("/metrics/mAP50").asDouble()).isCloseTo(ref.get("mAP50").asDouble(), within(0.005));
        assertThat(got.at("/metrics/mAP50-95").asDouble()).isCloseTo(ref.get("mAP50-95").asDouble(), within(0.005));
        assertThat(got.at("/metrics/precision").asDouble()).isCloseTo(ref.get("precision").asDouble(), within(0.03));
        assertThat(got.at("/metrics/recall").asDouble()).isCloseTo(ref.get("recall").asDouble(), within(0.03));
        assertThat(got.get("classes")).hasSize(5);
        for (JsonNode c : got.get("classes")) {
            assertThat(c.get("mAP50-95").asDouble()).as(c.get("name").asText()).isCloseTo(
                    ref.at("/per_class_mAP50-95/" + c.get("name").asText()).asDouble(), within(0.015));
        }
        assertThat(got.at("/coco/mAP50-95").asDouble()).isBetween(0.6, 0.65);
        assertThat(got.get("images").asInt()).isEqualTo(150);
        assertThat(got.get("precision").asText()).isEqualTo("fp32");
        assertThat(Files.readString(preds)).startsWith("[{\"image_id\":1,\"file_name\":\"000001.jpg\"");
    }

    @Test
    void refusesADataSetWithAnotherClassCount() throws Exception {
        Path images = Files.createDirectories(dir.resolve("images/val"));
        Files.copy(Fixtures.file("trained/images/val/000001.jpg"), images.resolve("000001.jpg"));
        Files.writeString(dir.resolve("data.yaml"), "names: [a, b]\nval: images/val\n");
        CliRun r = run("val", "--model", Fixtures.file("trained/shapes-yolov8n.onnx").toString(), "--data",
                dir.resolve("data.yaml").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("error: the model has 5 classes but the data set has 2");
    }

    @Test
    void refusesAMissingDataSet() {
        CliRun r = run("val", "--model", Fixtures.file("trained/shapes-yolov8n.onnx").toString(), "--data",
                dir.resolve("nothing").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("error: data set not found");
    }
}
