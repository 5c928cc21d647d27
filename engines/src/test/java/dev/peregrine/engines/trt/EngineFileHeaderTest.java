package dev.peregrine.engines.trt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineFileHeaderTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsEveryFieldAndThePlanBytes() throws Exception {
        EngineFileHeader h = TestHeaders.dynamic(TestHeaders.TRT11_L4, -1);
        Path file = TestHeaders.write(dir, "m.engine", h, 4099);

        EngineFile read = EngineFileHeader.read(file);
        EngineFileHeader r = read.header();
        assertThat(r.formatVersion()).isEqualTo(EngineFileHeader.FORMAT_VERSION);
        assertThat(r.target()).isEqualTo(h.target());
        assertThat(r.build()).isEqualTo(h.build());
        assertThat(r.tensors()).isEqualTo(h.tensors());
        ModelInfo m = r.model();
        ModelInfo want = h.model();
        assertThat(m.names()).isEqualTo(want.names());
        assertThat(m.task()).isEqualTo(want.task());
        assertThat(m.inputHeight()).isEqualTo(160);
        assertThat(m.inputWidth()).isEqualTo(160);
        assertThat(m.stride()).isEqualTo(32);
        assertThat(m.batch()).isEqualTo(-1);
        assertThat(m.precision()).isEqualTo(want.precision());
        assertThat(m.metadata()).isEqualTo(want.metadata());
        assertThat(m.sourceFormat()).isEqualTo("engine");

        assertThat(read.planLength()).isEqualTo(4099);
        assertThat(read.planOffset() + read.planLength()).isEqualTo(Files.size(file));
        ByteBuffer plan = read.readPlan();
        assertThat(plan.isDirect()).isTrue();
        assertThat(plan.remaining()).isEqualTo(4099);
        assertThat(plan).isEqualTo(TestHeaders.plan(4099));
    }

    @Test
    void layoutIsMagicVersionLengthJsonPlanLengthPlan() throws Exception {
        Path file = TestHeaders.write(dir, "m.engine", TestHeaders.dynamic(TestHeaders.TRT11_L4, -1), 10);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(b.array(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("PRGN");
        assertThat(b.getInt(4)).isEqualTo(1);
        int json = b.getInt(8);
        String text = new String(b.array(), 12, json, StandardCharsets.UTF_8);
        assertThat(text).contains("\"tensorrt\" : \"11.2.1\"", "\"compute_capability\" : \"8.9\"", "\"source_model\" : \"yolov8n.onnx\"");
        assertThat(b.getLong(12 + json)).isEqualTo(10);
        assertThat(b.capacity()).isEqualTo(12 + json + 8 + 10);
    }

    @Test
    void nonAsciiClassNamesSurvive() throws Exception {
        ModelInfo base = TestHeaders.model(1);
        ModelInfo m = new ModelInfo(List.of("café", "Straßenbahn", "自転車"), base.task(), 160, 160, 32, 1, false,
                new int[] {17, 3}, 3, base.precision(), "onnx", Map.of("names", "{0: 'café'}"));
        EngineFileHeader h = TestHeaders.dynamic(TestHeaders.TRT11_L4, -1);
        h = EngineFileHeader.of(m, h.target(), h.build(), h.tensors());
        EngineFileHeader r = EngineFileHeader.read(TestHeaders.write(dir, "u.engine", h, 8)).header();
        assertThat(r.model().names()).containsExactly("café", "Straßenbahn", "自転車");
        assertThat(r.model().kptShape()).containsExactly(17, 3);
        assertThat(r.model().metadata()).containsEntry("names", "{0: 'café'}");
    }

    @Test
    void writeReplacesAnExistingFileAndLeavesNoTemporaryFiles() throws Exception {
        EngineFileHeader h = TestHeaders.dynamic(TestHeaders.TRT11_L4, -1);
        Path file = TestHeaders.write(dir, "m.engine", h, 100);
        TestHeaders.write(dir, "m.engine", h, 50);
        assertThat(EngineFileHeader.read(file).planLength()).isEqualTo(50);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("m.engine");
        }
    }

    @Test
    void truncatedFilesAreRefusedAtEveryCut() throws Exception {
        Path file = TestHeaders.write(dir, "m.engine", TestHeaders.dynamic(TestHeaders.TRT11_L4, -1), 64);
        byte[] all = Files.readAllBytes(file);
        int json = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
        // inside the prefix, inside the JSON, inside the plan length, inside the plan
        for (int cut : new int[] {0, 6, 11, 12 + json / 2, 12 + json + 3, all.length - 1}) {
            Path t = dir.resolve("cut" + cut + ".engine");
            Files.write(t, Arrays.copyOf(all, cut));
            assertThatThrownBy(() -> EngineFileHeader.read(t))
                    .as("cut at %d", cut)
                    .isInstanceOf(PeregrineException.class)
                    .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.BAD_INPUT))
                    .hasMessageContaining("cut" + cut + ".engine")
                    .hasMessageMatching(cut < 4 ? "(?s).*not a Peregrine engine.*" : "(?s).*truncated.*");
        }
    }

    @Test
    void badMagicNamesTheFormatAndHowToBuildOne() throws Exception {
        Path raw = dir.resolve("trtexec.engine");
        Files.write(raw, new byte[] {0x66, 0x74, 0x72, 0x74, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3});
        assertThatThrownBy(() -> EngineFileHeader.read(raw))
                .isInstanceOf(PeregrineException.class)
                .hasMessageContaining("trtexec.engine is not a Peregrine engine file")
                .hasMessageContaining("peregrine export model.onnx --format engine");
    }

    @Test
    void newerFormatVersionIsUnsupported() throws Exception {
        Path file = TestHeaders.write(dir, "m.engine", TestHeaders.dynamic(TestHeaders.TRT11_L4, -1), 16);
        byte[] all = Files.readAllBytes(file);
        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 2);
        Files.write(file, all);
        assertThatThrownBy(() -> EngineFileHeader.read(file))
                .isInstanceOf(PeregrineException.class)
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED))
                .hasMessageContaining("format 2");
    }

    @Test
    void trailingBytesAndCorruptJsonAreRefused() throws Exception {
        Path file = TestHeaders.write(dir, "m.engine", TestHeaders.dynamic(TestHeaders.TRT11_L4, -1), 16);
        byte[] all = Files.readAllBytes(file);
        Path longer = dir.resolve("longer.engine");
        Files.write(longer, Arrays.copyOf(all, all.length + 5));
        assertThatThrownBy(() -> EngineFileHeader.read(longer)).hasMessageContaining("5 unexpected bytes after the plan");

        byte[] broken = all.clone();
        broken[12] = '[';
        Path bad = dir.resolve("bad.engine");
        Files.write(bad, broken);
        assertThatThrownBy(() -> EngineFileHeader.read(bad)).hasMessageContaining("corrupt engine header");
    }

    @Test
    void missingFieldIsNamed() throws Exception {
        byte[] json = "{\"model\":{\"names\":[\"a\"],\"task\":\"detect\",\"imgsz\":[160,160],\"stride\":32,\"batch\":1,\"precision\":\"FP32\"},\"gpu\":{\"name\":\"x\",\"compute_capability\":\"8.9\"}}"
                .getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(12 + json.length + 8 + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put("PRGN".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(json.length).put(json).putLong(4).putInt(7);
        Path file = dir.resolve("nofield.engine");
        Files.write(file, b.array());
        assertThatThrownBy(() -> EngineFileHeader.read(file))
                .isInstanceOf(PeregrineException.class)
                .hasMessageContaining("missing field 'tensorrt'");
    }

    @Test
    void missingFileIsNotFound() {
        assertThatThrownBy(() -> EngineFileHeader.read(dir.resolve("nope.engine")))
                .isInstanceOf(PeregrineException.class)
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void sameTargetIsRunnable() throws Exception {
        TestHeaders.dynamic(TestHeaders.TRT11_L4, -1)
                .checkRunnableOn(new BuildTarget(new TrtVersion(11, 2, 1), TestHeaders.L4), false, Path.of("m.engine"));
    }

    @Test
    void otherTensorRtVersionIsRefusedWithBothSidesAndTheRebuildCommand() {
        EngineFileHeader h = TestHeaders.dynamic(TestHeaders.TRT11_L4, -1);
        BuildTarget here = new BuildTarget(new TrtVersion(10, 3, 0), TestHeaders.L4);
        assertThatThrownBy(() -> h.checkRunnableOn(here, true, Path.of("/models/m.engine")))
                .isInstanceOf(PeregrineException.class)
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED))
                .hasMessageContaining("m.engine was built for TensorRT 11.2.1 on NVIDIA L4 (compute capability 8.9)")
                .hasMessageContaining("this machine has TensorRT 10.3.0 on NVIDIA L4")
                .hasMessageContaining("only load with the TensorRT version that built them")
                .hasMessageContaining("`peregrine export yolov8n.onnx --format engine`");
    }

    @Test
    void otherGpuIsRefusedAndDlaBuildsRepeatTheirCore() {
        EngineFileHeader h = TestHeaders.dynamic(new BuildTarget(new TrtVersion(10, 3, 0), TestHeaders.ORIN), 1);
        BuildTarget here = new BuildTarget(new TrtVersion(10, 3, 0), TestHeaders.L4);
        assertThatThrownBy(() -> h.checkRunnableOn(here, true, Path.of("m.engine")))
                .hasMessageContaining("built for TensorRT 10.3.0 on Orin (compute capability 8.7)")
                .hasMessageContaining("tuned for the GPU model")
                .hasMessageContaining("--format engine` --dla 1");
    }

    @Test
    void sameComputeCapabilityOtherModelNeedsTheOptIn() throws Exception {
        EngineFileHeader h = TestHeaders.dynamic(TestHeaders.TRT11_L4, -1);
        BuildTarget rtx = new BuildTarget(new TrtVersion(11, 2, 1), new GpuIdentity("NVIDIA GeForce RTX 4090", 8, 9, 1));
        assertThatThrownBy(() -> h.checkRunnableOn(rtx, false, Path.of("m.engine")))
                .hasMessageContaining("NVIDIA GeForce RTX 4090");
        h.checkRunnableOn(rtx, true, Path.of("m.engine"));
    }

    @Test
    void headerNeedsInputsAndOutputs() {
        EngineFileHeader h = TestHeaders.dynamic(TestHeaders.TRT11_L4, -1);
        assertThatThrownBy(() -> EngineFileHeader.of(h.model(), h.target(), h.build(), h.inputs()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(h.inputs()).extracting(EngineTensor::name).containsExactly("images");
        assertThat(h.outputs()).extracting(EngineTensor::name).containsExactly("output0");
    }
}
