package dev.peregrine.server.cli;

import static dev.peregrine.server.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.exporter.precision.OnnxFiles;
import dev.peregrine.server.model.Int8TestModels;
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

    /**
     * {@code val} measures what {@code serve} would run: an INT8 model with int8 activations in its uint8 form on the
     * CPU, said on stderr and in the JSON, within the INT8 budget of the FP32 figures.
     */
    @Test
    void int8ModelIsMeasuredInTheFormServeRuns() throws Exception {
        Path int8 = dir.resolve("shapes-int8.onnx");
        OnnxFiles.write(Int8TestModels.trainedInt8(), int8);
        Path cache = dir.resolve("cache");
        Path json = dir.resolve("int8.json");
        ExportCacheProperty.with(cache, () -> {
            CliRun r = run("val", "--model", int8.toString(), "--data", Fixtures.file("trained/data.yaml").toString(),
                    "--json", json.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.err()).contains("running shapes-int8.onnx: int8 activations converted to uint8 for ONNX "
                    + "Runtime's CPU integer kernels (" + cache);
            JsonNode got = Fixtures.readJson(json);
            assertThat(got.at("/artifact/derivation").asText()).isEqualTo("uint8_activations");
            assertThat(got.at("/artifact/file").asText()).startsWith("shapes-int8-uint8act-");
            assertThat(got.get("precision").asText()).isEqualTo("int8");
            JsonNode ref = Fixtures.readJson(Fixtures.file("trained/metrics.json")).at("/val/onnx");
            assertThat(got.at("/metrics/mAP50-95").asDouble()).isCloseTo(ref.get("mAP50-95").asDouble(),
                    within(0.02));
        });
    }

    /**
     * A checkpoint is measured as its cached export, as {@code serve} runs it, with the ONNX figures; at another
     * {@code --imgsz} as a temporary export of that size.
     */
    @Test
    void checkpointRunsAsItsCachedExportOrAtAnotherSize() throws Exception {
        Path cache = dir.resolve("cache");
        String pt = Fixtures.file("trained/shapes-yolov8n.pt").toString();
        String data = Fixtures.file("trained/data.yaml").toString();
        ExportCacheProperty.with(cache, () -> {
            Path json = dir.resolve("pt.json");
            CliRun r = run("val", "--model", pt, "--data", data, "--json", json.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.err()).contains("running shapes-yolov8n.pt: exported to ONNX by the Java exporter (" + cache);
            JsonNode got = Fixtures.readJson(json);
            assertThat(got.at("/artifact/derivation").asText()).isEqualTo("exported");
            JsonNode ref = Fixtures.readJson(Fixtures.file("trained/metrics.json")).at("/val/onnx");
            assertThat(got.at("/metrics/mAP50-95").asDouble()).isCloseTo(ref.get("mAP50-95").asDouble(),
                    within(0.005));

            Path small = dir.resolve("pt256.json");
            CliRun r256 = run("val", "--model", pt, "--data", data, "--imgsz", "256", "--json", small.toString());
            assertThat(r256.exit()).as(r256.err()).isZero();
            assertThat(r256.out()).contains("exporting shapes-yolov8n.pt to ONNX for validation");
            assertThat(Fixtures.readJson(small).get("imgsz").toString()).isEqualTo("[256,256]");
        });
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
