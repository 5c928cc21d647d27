package dev.peregrine.server.cli;

import static dev.peregrine.server.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.engines.Detection;
import dev.peregrine.exporter.precision.OnnxFiles;
import dev.peregrine.server.model.Int8TestModels;
import dev.peregrine.testing.Fixtures;
import dev.peregrine.testing.OnnxModels;
import dev.peregrine.testing.ReferenceDetections;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peregrine predict} end to end through the picocli command line. */
class PredictCommandTest {
    @TempDir
    Path dir;

    private static String trained() {
        return Fixtures.file("trained/shapes-yolov8n.onnx").toString();
    }

    private static String valImage(int i) {
        return Fixtures.file(String.format("trained/images/val/%06d.jpg", i)).toString();
    }

    private List<Path> filesUnder(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void printsOneLinePerImageAndWritesJsonAndAnnotatedImages() throws Exception {
        Path json = dir.resolve("out/result.json");
        Path save = dir.resolve("out/annotated");
        CliRun r = run("predict", "--model", trained(), "--json", json.toString(), "--save", save.toString(),
                valImage(1), valImage(2), valImage(3));
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).matches("000001\\.jpg 345x240: 1 circle, 1 square, 1 triangle, 1 cross \\(\\d+\\.\\d ms\\)");
        assertThat(lines.subList(0, 3)).allMatch(l -> l.matches("00000[123]\\.jpg \\d+x\\d+: .* \\(\\d+\\.\\d ms\\)"));
        assertThat(lines).anyMatch(l -> l.startsWith("Speed: "));
        assertThat(r.err()).doesNotContain("[###"); // three images: no progress bar

        assertMatchesUltralytics(json, 3);
        List<String> saved = new ArrayList<>(filesUnder(save).stream().map(p -> p.getFileName().toString()).toList());
        assertThat(saved).containsExactlyInAnyOrder("000001.jpg", "000002.jpg", "000003.jpg");
        byte[] jpeg = Files.readAllBytes(save.resolve("000001.jpg"));
        assertThat(Arrays.copyOf(jpeg, 2)).containsExactly((byte) 0xFF, (byte) 0xD8);
        // No staging leftovers next to the outputs.
        assertThat(filesUnder(dir.resolve("out"))).hasSize(4);
        try (Stream<Path> s = Files.list(dir.resolve("out"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("result.json", "annotated");
        }
    }

    /** The first {@code n} images of the JSON written to {@code json} against Ultralytics' predictions. */
    private static void assertMatchesUltralytics(Path json, int n) throws Exception {
        JsonNode written = Fixtures.readJson(json);
        JsonNode reference = Fixtures.readJson(Fixtures.file("trained/predictions.json"));
        assertThat(written.get("images")).hasSize(n);
        for (int i = 0; i < n; i++) {
            JsonNode img = written.get("images").get(i);
            JsonNode ref = reference.get("images").get(i);
            assertThat(img.get("file").asText()).endsWith(ref.get("file").asText());
            assertThat(img.get("width").asInt()).isEqualTo(ref.get("width").asInt());
            assertThat(img.get("height").asInt()).isEqualTo(ref.get("height").asInt());
            List<Detection> actual = ReferenceDetections.parse(img.get("detections"));
            ReferenceDetections.match(ref.get("file").asText(), ReferenceDetections.parse(ref.get("detections")),
                    actual, 0.95, 0.02, 0);
            for (JsonNode d : img.get("detections")) {
                assertThat(d.get("name").asText()).isEqualTo(reference.get("names").get(d.get("cls").asText()).asText());
            }
        }
    }


    private static List<String> names(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void checkpointIsExportedOnceAndPredictsLikeUltralytics() throws Exception {
        Path cache = dir.resolve("cache");
        String pt = Fixtures.file("trained/shapes-yolov8n.pt").toString();
        ExportCacheProperty.with(cache, () -> {
            Path json = dir.resolve("pt.json");
            CliRun r = run("predict", "--model", pt, "--json", json.toString(), valImage(1), valImage(2));
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.err()).contains("running shapes-yolov8n.pt: exported to ONNX by the Java exporter (" + cache);
            assertMatchesUltralytics(json, 2);
            List<String> cached = names(cache);
            assertThat(cached).singleElement().asString().matches("shapes-yolov8n-[0-9a-f]{16}\\.onnx");
            Path export = cache.resolve(cached.get(0));
            long written = Files.getLastModifiedTime(export).toMillis();

            CliRun again = run("predict", "--model", pt, valImage(1));
            assertThat(again.exit()).as(again.err()).isZero();
            assertThat(names(cache)).isEqualTo(cached); // the cached export is reused, not written again
            assertThat(Files.getLastModifiedTime(export).toMillis()).isEqualTo(written);
        });
    }

    /** An INT8 model with int8 activations runs in its uint8-activation form on the CPU, as {@code serve} runs it. */
    @Test
    void int8ModelRunsInItsUint8FormOnTheCpuUnlessTurnedOff() throws Exception {
        Path cache = dir.resolve("cache");
        Path int8 = dir.resolve("shapes-int8.onnx");
        OnnxFiles.write(Int8TestModels.trainedInt8(), int8);
        ExportCacheProperty.with(cache, () -> {
            CliRun r = run("predict", "--model", int8.toString(), valImage(1));
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.err()).contains("running shapes-int8.onnx: int8 activations converted to uint8 for ONNX "
                    + "Runtime's CPU integer kernels (" + cache);
            assertThat(names(cache)).singleElement().asString().startsWith("shapes-int8-uint8act-");
            assertThat(r.out()).contains("000001.jpg 345x240: ");

            CliRun off = run("predict", "--model", int8.toString(), "--no-cpu-uint8-activations", valImage(1));
            assertThat(off.exit()).as(off.err()).isZero();
            assertThat(off.err()).doesNotContain("running");
            assertThat(off.out()).contains("000001.jpg 345x240: ");
        });
    }

    @Test
    void globAndDirectorySourcesWithAProgressBar() throws Exception {
        Path images = Fixtures.file("trained/images/val");
        CliRun r = run("predict", "--model", trained(), "--classes", "0,2", "--batch", "3",
                images.resolve("00000?.jpg").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().filter(l -> l.contains(".jpg ")).toList();
        assertThat(lines).hasSize(9);
        assertThat(lines).noneMatch(l -> l.contains("square") || l.contains("star") || l.contains("cross"));
        assertThat(r.err()).contains("9/9 images");
        assertThat(r.out()).contains("9 images");

        Path folder = Files.createDirectories(dir.resolve("folder"));
        Files.copy(Path.of(valImage(1)), folder.resolve("a.jpg"));
        Files.copy(Path.of(valImage(2)), folder.resolve("b.JPG"));
        Files.writeString(folder.resolve("notes.txt"), "not an image");
        CliRun d = run("predict", "--model", trained(), folder.toString());
        assertThat(d.exit()).as(d.err()).isZero();
        assertThat(d.out().lines().filter(l -> l.contains(".jpg ") || l.contains(".JPG "))).hasSize(2);
    }

    @Test
    void missingModelFailsWithoutOutputFiles() throws Exception {
        Path json = dir.resolve("o/r.json");
        CliRun r = run("predict", "--model", dir.resolve("missing.onnx").toString(), "--json", json.toString(),
                "--save", dir.resolve("o/s").toString(), valImage(1));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: ").contains("missing.onnx");
        assertThat(Files.exists(dir.resolve("o"))).isFalse();
    }

    @Test
    void corruptImageFailsAndLeavesNoPartialFiles() throws Exception {
        byte[] good = Files.readAllBytes(Path.of(valImage(1)));
        Path corrupt = Files.write(dir.resolve("broken.jpg"), Arrays.copyOf(good, good.length / 3));
        Path json = dir.resolve("out/r.json");
        Path save = dir.resolve("out/s");
        CliRun r = run("predict", "--model", trained(), "--json", json.toString(), "--save", save.toString(),
                valImage(1), valImage(2), corrupt.toString(), valImage(3));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: ").contains("broken.jpg");
        assertThat(r.out()).contains("000001.jpg"); // lines of the images before the failure were printed
        assertThat(Files.exists(json)).isFalse();
        assertThat(Files.exists(save)).isFalse();
        assertThat(filesUnder(dir.resolve("out"))).isEmpty();
    }

    @Test
    void nonImageModelUnsupportedModelAndBadOptionsFailClearly() throws Exception {
        Path vector = OnnxModels.vectorModel(dir.resolve("vector.onnx"));
        CliRun r = run("predict", "--model", vector.toString(), valImage(1));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: ").contains("'x'").contains("[B, 3, H, W]");

        r = run("predict", "--model", trained(), "--imgsz", "640", valImage(1));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--imgsz 640").contains("320x320");
        assertThat(run("predict", "--model", trained(), "--imgsz", "320", valImage(1)).exit()).isZero();

        r = run("predict", "--model", trained(), "--conf", "1.5", valImage(1));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--conf");

        r = run("predict", "--model", trained(), dir.resolve("nothing-here.jpg").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("nothing-here.jpg");

        r = run("predict", "--model", trained(), "--device", "cuda", valImage(1));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--device cpu");
    }

    @Test
    void taskModelsPrintWriteAndDrawTheirResults() throws Exception {
        String bus = Fixtures.file("images/bus.jpg").toString();
        for (String model : List.of("yolov8n-seg", "yolo11n-pose", "yolov8n-obb", "yolo11n-cls")) {
            Path json = dir.resolve(model + ".json");
            Path save = dir.resolve(model);
            CliRun r = run("predict", "--model", Fixtures.file("tiny/" + model + ".onnx").toString(), "--json",
                    json.toString(), "--save", save.toString(), bus);
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode reference = Fixtures.readJson(Fixtures.file("tiny/" + model + ".predict.json")).get("square");
            JsonNode image = Fixtures.readJson(json).get("images").get(0);
            assertThat(Files.size(save.resolve("bus.jpg"))).isPositive();
            String line = r.out().lines().filter(l -> l.startsWith("bus.jpg 810x1080: ")).findFirst().orElseThrow();
            if (model.endsWith("-cls")) {
                JsonNode top5 = reference.get("top5");
                assertThat(line).startsWith("bus.jpg 810x1080: " + top5.get(0).get("name").asText() + " 0.11, ");
                for (int i = 0; i < 5; i++) {
                    assertThat(image.get("top5").get(i).get("cls").asInt()).isEqualTo(top5.get(i).get("cls").asInt());
                }
                assertThat(r.out()).doesNotContain("detections");
                continue;
            }
            JsonNode refDets = reference.get("detections");
            JsonNode dets = image.get("detections");
            assertThat(dets).hasSize(refDets.size());
            JsonNode first = dets.get(0);
            assertThat(first.get("cls").asInt()).isEqualTo(refDets.get(0).get("cls").asInt());
            switch (model) {
                case "yolov8n-seg" -> {
                    assertThat(first.get("mask_pixels").asInt()).isEqualTo(refDets.get(0).get("mask_pixels").asInt());
                    assertThat(first.get("segments").get(0).size()).isGreaterThan(2);
                }
                case "yolo11n-pose" -> assertThat(first.get("keypoints")).hasSize(17);
                default -> {
                    assertThat(first.get("xywhr").get(4).asDouble())
                            .isCloseTo(refDets.get(0).get("xywhr").get(4).asDouble(), within(1e-3));
                    assertThat(first.get("xyxyxyxy")).hasSize(4);
                }
            }
        }
    }

    @Test
    void summaryLineFormat() throws Exception {
        var info = dev.peregrine.engines.model.UltralyticsMetadata.parse(java.util.Map.of("names",
                "{0: 'person', 1: 'bicycle', 2: 'car', 3: 'motorcycle', 4: 'airplane', 5: 'bus'}", "imgsz", "[640, 640]"),
                new dev.peregrine.engines.TensorSpec("images", "float", new long[] {1, 3, 640, 640}),
                new dev.peregrine.engines.TensorSpec("output0", "float", new long[] {1, 10, 8400}), "onnx");
        List<Detection> dets = List.of(new Detection(0, 0, 1, 1, 0.9f, 5), new Detection(0, 0, 1, 1, 0.9f, 0),
                new Detection(0, 0, 1, 1, 0.8f, 0), new Detection(0, 0, 1, 1, 0.7f, 0),
                new Detection(0, 0, 1, 1, 0.6f, 0));
        assertThat(PredictCommand.summaryLine(Path.of("x/bus.jpg"), 810, 1080, dets, info, 12.34))
                .isEqualTo("bus.jpg 810x1080: 4 person, 1 bus (12.3 ms)");
        assertThat(PredictCommand.summaryLine(Path.of("e.png"), 2, 3, List.of(), info, 1))
                .isEqualTo("e.png 2x3: no detections (1.0 ms)");
    }
}
