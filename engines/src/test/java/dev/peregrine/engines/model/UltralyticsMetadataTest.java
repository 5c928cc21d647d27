package dev.peregrine.engines.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import dev.peregrine.engines.Task;
import dev.peregrine.engines.TensorSpec;
import dev.peregrine.testing.Fixtures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UltralyticsMetadataTest {
    private static final TensorSpec IMAGES = new TensorSpec("images", "float", new long[] {1, 3, 160, 160});
    private static final String NAMES8 = "{0: 'person', 1: 'bicycle', 2: 'car', 3: 'motorcycle', 4: 'airplane', "
            + "5: 'bus', 6: 'train', 7: 'truck'}";

    private static Map<String, String> detectProps(String names) {
        Map<String, String> p = new HashMap<>();
        p.put("stride", "32");
        p.put("task", "detect");
        p.put("batch", "1");
        p.put("imgsz", "[160, 160]");
        p.put("names", names);
        p.put("args", "{'batch': 1, 'half': False, 'dynamic': False, 'simplify': False, 'opset': None, 'nms': False}");
        p.put("channels", "3");
        p.put("end2end", "False");
        return p;
    }

    private static TensorSpec out(long... shape) {
        return new TensorSpec("output0", "float", shape);
    }

    @Test
    void readsAnUltralyticsDetectModel() throws Exception {
        ModelInfo info = UltralyticsMetadata.parse(detectProps(NAMES8), IMAGES, out(1, 12, 525), "onnx");
        assertThat(info.names()).hasSize(8).startsWith("person", "bicycle").endsWith("truck");
        assertThat(info.task()).isEqualTo(Task.DETECT);
        assertThat(info.inputHeight()).isEqualTo(160);
        assertThat(info.inputWidth()).isEqualTo(160);
        assertThat(info.stride()).isEqualTo(32);
        assertThat(info.batch()).isEqualTo(1);
        assertThat(info.endToEnd()).isFalse();
        assertThat(info.precision()).isEqualTo(Precision.FP32);
        assertThat(info.sourceFormat()).isEqualTo("onnx");
        assertThat(info.metadata()).containsEntry("stride", "32");
    }

    @Test
    void endToEndAndPoseLayouts() throws Exception {
        Map<String, String> p = detectProps(NAMES8);
        p.put("end2end", "True");
        assertThat(UltralyticsMetadata.parse(p, IMAGES, out(1, 300, 6), "onnx").endToEnd()).isTrue();

        Map<String, String> pose = detectProps("{0: 'person'}");
        pose.put("task", "pose");
        pose.put("kpt_shape", "[17, 3]");
        ModelInfo info = UltralyticsMetadata.parse(pose, IMAGES, out(1, 56, 525), "onnx");
        assertThat(info.kptShape()).containsExactly(17, 3);
        assertThat(info.task()).isEqualTo(Task.POSE);
    }

    @Test
    void olderExportWithoutEnd2endKeyIsDetectedFromTheLayout() throws Exception {
        Map<String, String> p = detectProps(NAMES8);
        p.remove("end2end");
        assertThat(UltralyticsMetadata.parse(p, IMAGES, out(1, 300, 6), "onnx").endToEnd()).isTrue();
        assertThat(UltralyticsMetadata.parse(p, IMAGES, out(1, 12, 525), "onnx").endToEnd()).isFalse();
    }

    @Test
    void classCountMismatchNamesBothNumbers() {
        assertThatThrownBy(() -> UltralyticsMetadata.parse(detectProps("{0: 'a', 1: 'b', 2: 'c'}"), IMAGES,
                out(1, 12, 525), "onnx"))
                .isInstanceOfSatisfying(PeregrineException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
                    assertThat(e.getMessage()).contains("3 class names").contains("8 class rows");
                });
        Map<String, String> p = detectProps(NAMES8);
        p.put("end2end", "True");
        assertThatThrownBy(() -> UltralyticsMetadata.parse(p, IMAGES, out(1, 300, 7), "onnx"))
                .isInstanceOfSatisfying(PeregrineException.class, e -> assertThat(e.getMessage()).contains("6 values"));
    }

    @Test
    void nonImageInputIsBadInputNamingTheInput() {
        for (TensorSpec bad : List.of(new TensorSpec("x", "float", new long[] {1, 10}),
                new TensorSpec("x", "int64", new long[] {1, 3, 160, 160}),
                new TensorSpec("x", "float", new long[] {1, 1, 160, 160}))) {
            assertThatThrownBy(() -> UltralyticsMetadata.parse(detectProps(NAMES8), bad, out(1, 12, 525), "onnx"))
                    .isInstanceOfSatisfying(PeregrineException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
                        assertThat(e.getMessage()).contains("'x'").contains("[B, 3, H, W]");
                    });
        }
    }

    @Test
    void plainOnnxGetsDefaults() throws Exception {
        TensorSpec dynamic = new TensorSpec("input", "float", new long[] {-1, 3, -1, -1});
        ModelInfo info = UltralyticsMetadata.parse(Map.of(), dynamic, out(-1, 7, -1), "onnx");
        assertThat(info.names()).containsExactly("class0", "class1", "class2");
        assertThat(info.task()).isEqualTo(Task.DETECT);
        assertThat(info.stride()).isEqualTo(32);
        assertThat(info.inputHeight()).isEqualTo(640);
        assertThat(info.batch()).isEqualTo(-1);
        assertThat(info.dynamicBatch()).isTrue();
        ModelInfo e2e = UltralyticsMetadata.parse(Map.of(), IMAGES, out(1, 300, 6), "onnx");
        assertThat(e2e.endToEnd()).isTrue();
    }

    @Test
    void dynamicInputTakesTheMetadataSizeAndPrecisionComesFromArgs() throws Exception {
        Map<String, String> p = detectProps(NAMES8);
        p.put("imgsz", "[320, 480]");
        p.put("args", "{'half': True}");
        ModelInfo info = UltralyticsMetadata.parse(p, new TensorSpec("images", "float", new long[] {-1, 3, -1, -1}),
                out(-1, 12, -1), "onnx");
        assertThat(info.inputHeight()).isEqualTo(320);
        assertThat(info.inputWidth()).isEqualTo(480);
        assertThat(info.precision()).isEqualTo(Precision.FP16);
    }

    @Test
    void unparseableMetadataIsBadInput() {
        Map<String, String> p = detectProps("{0: 'person'");
        assertThatThrownBy(() -> UltralyticsMetadata.parse(p, IMAGES, out(1, 5, 525), "onnx"))
                .isInstanceOfSatisfying(PeregrineException.class, e -> assertThat(e.code())
                        .isEqualTo(ErrorCode.BAD_INPUT));
    }

    @Test
    void everyFixtureModelsMetadataParses() throws Exception {
        int checked = 0;
        for (JsonNode m : Fixtures.manifest().get("models")) {
            if (!m.has("onnx_metadata") || !m.has("onnx_outputs") || m.get("onnx_outputs").isEmpty()) {
                continue;
            }
            Map<String, String> props = new HashMap<>();
            m.get("onnx_metadata").fields().forEachRemaining(e -> props.put(e.getKey(), e.getValue().asText()));
            JsonNode in = m.get("onnx_inputs").get(0);
            JsonNode o0 = m.get("onnx_outputs").get(0);
            ModelInfo info = UltralyticsMetadata.parse(props, new TensorSpec(in.get("name").asText(), "float",
                    longs(in.get("shape"))), new TensorSpec(o0.get("name").asText(), "float", longs(o0.get("shape"))),
                    "onnx");
            List<String> expected = new ArrayList<>();
            m.get("names").fields().forEachRemaining(e -> expected.add(e.getValue().asText()));
            assertThat(info.names()).as(m.get("name").asText()).isEqualTo(expected);
            assertThat(info.task().ultralyticsName()).isEqualTo(m.get("task").asText());
            assertThat(info.endToEnd()).isEqualTo(m.get("end2end").asBoolean());
            assertThat(info.inputHeight()).isEqualTo(m.get("imgsz").get(0).asInt());
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(15);
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }
}
