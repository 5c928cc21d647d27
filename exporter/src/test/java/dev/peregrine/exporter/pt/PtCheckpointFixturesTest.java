package dev.peregrine.exporter.pt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.engines.Task;
import dev.peregrine.testing.Fixtures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reads every reference checkpoint and checks what it holds against the manifest of Ultralytics 8.4.7. */
class PtCheckpointFixturesTest {

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({
        "full,yolov8n", "full,yolo11n", "full,yolo26n",
        "tiny,yolov5nu", "tiny,yolov8n", "tiny,yolov9t", "tiny,yolov10n", "tiny,yolo11n", "tiny,yolo12n",
        "tiny,yolo26n", "tiny,yolov8n-seg", "tiny,yolov8n-pose", "tiny,yolov8n-obb", "tiny,yolov8n-cls",
        "tiny,yolo11n-seg", "tiny,yolo11n-pose", "tiny,yolo11n-obb", "tiny,yolo11n-cls"})
    void readsEveryFixtureAsTheManifestDescribesIt(String set, String name) throws Exception {
        JsonNode m = Fixtures.model(set, name);
        PtCheckpoint ckpt = PtCheckpoint.read(Fixtures.file(set + "/" + name + ".pt"));

        Set<String> expectedGlobals = new TreeSet<>();
        m.get("checkpoint").get("pickle_globals").forEach(g -> expectedGlobals.add(g.asText()));
        assertThat(ckpt.globals()).containsExactlyElementsOf(expectedGlobals);

        ModuleNode model = ckpt.model();
        assertThat(ckpt.modelKey()).isEqualTo("model");
        assertThat(model.path()).isEmpty();
        assertThat(model.className()).startsWith("ultralytics.nn.tasks.");
        assertThat(model.parameterCount()).isEqualTo(m.get("params").asLong());

        List<ModuleNode> bns = new ArrayList<>();
        for (ModuleNode n : model.walk()) {
            if (n.simpleName().equals("BatchNorm2d")) {
                bns.add(n);
            }
        }
        assertThat(bns).hasSize(m.get("bn_layers").asInt());
        double eps = m.get("bn_eps").get(0).asDouble();
        double momentum = m.get("bn_momentum").get(0).asDouble();
        for (ModuleNode bn : bns) {
            assertThat(bn.doubleAttr("eps")).as(bn.path()).isEqualTo(eps);
            assertThat(bn.doubleAttr("momentum")).as(bn.path()).isEqualTo(momentum);
            assertThat(bn.param("weight").dtype()).isEqualTo(DType.FLOAT16);
            assertThat(bn.buffer("num_batches_tracked").dtype()).isEqualTo(DType.INT64);
            assertThat(bn.buffer("num_batches_tracked").shape()).isEmpty();
        }

        Map<Integer, String> names = new LinkedHashMap<>();
        m.get("names").fields().forEachRemaining(e -> names.put(Integer.parseInt(e.getKey()), e.getValue().asText()));
        assertThat(ckpt.names()).containsExactlyEntriesOf(names);
        assertThat(ckpt.task()).isEqualTo(Task.fromUltralytics(m.get("task").asText()));
        assertThat(ckpt.ultralyticsVersion()).contains("8.4.7");
        assertThat(ckpt.torchVersionHint()).startsWith("torch 1.6-1.13");
        assertThat(ckpt.yaml()).containsEntry("nc", (long) m.get("nc").asInt());
        assertThat(ckpt.trainArgs()).containsEntry("task", m.get("task").asText());

        float[] stride = ckpt.stride();
        if (m.get("task").asText().equals("classify")) {
            assertThat(stride).containsExactly(1f);
        } else {
            assertThat(stride).containsExactly(8f, 16f, 32f);
        }
    }

    @Test
    void halfPrecisionStrideOfTheHeadEqualsTheFloat32StrideOfTheModel() throws Exception {
        PtCheckpoint ckpt = PtCheckpoint.read(Fixtures.file("tiny/yolov8n.pt"));
        TorchTensor fp32 = ckpt.model().tensorAttr("stride");
        TorchTensor fp16 = ckpt.model().child("model").child("22").tensorAttr("stride");
        assertThat(fp32.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(fp16.dtype()).isEqualTo(DType.FLOAT16);
        assertThat(fp16.toFloats()).containsExactly(fp32.toFloats());
        assertThat(fp16.toFloats()).containsExactly(8f, 16f, 32f);
    }

    @Test
    void readsTheTransposedAnchorCacheOfTheDetectHeadAsARowMajorCopy() throws Exception {
        ModuleNode detect = PtCheckpoint.read(Fixtures.file("tiny/yolov8n.pt")).model().child("model").child("22");
        assertThat(detect.path()).isEqualTo("model.22");
        TorchTensor anchors = detect.tensorAttr("anchors");
        assertThat(anchors.shape()).containsExactly(2, 525);
        assertThat(anchors.strides()).containsExactly(1, 2);
        assertThat(anchors.isContiguous()).isFalse();
        float[] a = anchors.toFloats();
        // Row 0 holds x, row 1 holds y of the cell centres, stride-8 grid (20x20) first.
        for (int i = 0; i < 20; i++) {
            assertThat(a[i]).isEqualTo(i + 0.5f);
            assertThat(a[525 + i]).isEqualTo(0.5f);
        }
        assertThat(a[525 + 20]).isEqualTo(1.5f);
        assertThat(a[400]).isEqualTo(0.5f); // first cell of the stride-16 grid
        float[] strides = detect.tensorAttr("strides").toFloats();
        assertThat(strides[0]).isEqualTo(8f);
        assertThat(strides[400]).isEqualTo(16f);
        assertThat(strides[524]).isEqualTo(32f);
        assertThat(detect.listAttr("shape")).containsExactly(1L, 16L, 20L, 20L);
    }

    @Test
    void modulesExposeTheirPlainAttributesChildrenAndTensors() throws Exception {
        ModuleNode model = PtCheckpoint.read(Fixtures.file("tiny/yolov8n.pt")).model();
        assertThat(model.simpleName()).isEqualTo("DetectionModel");
        ModuleNode conv0 = model.child("model").child("0");
        assertThat(conv0.className()).isEqualTo("ultralytics.nn.modules.conv.Conv");
        assertThat(conv0.simpleName()).isEqualTo("Conv");
        assertThat(conv0.children().keySet()).containsExactly("conv", "bn", "act");
        assertThat(conv0.intAttr("i")).isZero();
        assertThat(conv0.attr("f")).isEqualTo(-1L);
        assertThat(conv0.attributes()).containsKeys("training", "np", "type").doesNotContainKeys("_modules",
                "_parameters", "_buffers", "_forward_hooks", "_backward_hooks", "_is_full_backward_hook");
        ModuleNode conv2d = conv0.child("conv");
        assertThat(conv2d.path()).isEqualTo("model.0.conv");
        assertThat(conv2d.listAttr("kernel_size")).containsExactly(3L, 3L);
        assertThat(conv2d.intAttr("groups")).isEqualTo(1);
        assertThat(conv2d.hasParam("bias")).isFalse(); // None parameters are skipped
        TorchTensor w = conv2d.param("weight");
        assertThat(w.shape()).containsExactly(8, 3, 3, 3);
        assertThat(w.numel()).isEqualTo(216);
        assertThat(w.requiresGrad()).isFalse(); // strip_optimizer() clears it
        assertThat(conv0.child("act").simpleName()).isEqualTo("SiLU");
        // The shared default activation is one node per position, each with its own path.
        assertThat(model.child("model").child("1").child("act").path()).isEqualTo("model.1.act");
        ModuleNode head = model.child("model").child("22");
        assertThat(head.listAttr("f")).containsExactly(15L, 18L, 21L);
        assertThat(head.child("cv2").child("0").child("1").path()).isEqualTo("model.22.cv2.0.1");
        assertThat(model.mapAttr("yaml").get("backbone")).isInstanceOf(List.class);
    }

    @Test
    void classificationCheckpointsCarryTheirTransformsAsAttributeBags() throws Exception {
        PtCheckpoint ckpt = PtCheckpoint.read(Fixtures.file("tiny/yolov8n-cls.pt"));
        assertThat(ckpt.globals()).contains("__builtin__.getattr");
        PickledObject compose = (PickledObject) ckpt.model().attr("transforms");
        assertThat(compose.className()).isEqualTo("torchvision.transforms.transforms.Compose");
        List<?> steps = (List<?>) compose.state().get("transforms");
        List<String> kinds = new ArrayList<>();
        for (Object s : steps) {
            kinds.add(s instanceof ModuleNode ? ((ModuleNode) s).simpleName() : ((PickledObject) s).simpleName());
        }
        assertThat(kinds).containsExactly("Resize", "CenterCrop", "ToTensor", "Normalize");
        ModuleNode resize = (ModuleNode) steps.get(0);
        PickledObject mode = (PickledObject) resize.attr("interpolation");
        assertThat(mode.className()).isEqualTo("torchvision.transforms.functional.InterpolationMode");
        assertThat(mode.args()).containsExactly("BILINEAR");
        assertThat(resize.attr("size")).isEqualTo(160L);
    }

    @Test
    void readsTheTrainedShapesDetector() throws Exception {
        PtCheckpoint ckpt = PtCheckpoint.read(Fixtures.file("trained/shapes-yolov8n.pt"));
        assertThat(ckpt.names()).containsExactly(Map.entry(0, "circle"), Map.entry(1, "square"),
                Map.entry(2, "triangle"), Map.entry(3, "star"), Map.entry(4, "cross"));
        assertThat(ckpt.stride()).containsExactly(8f, 16f, 32f);
        assertThat(ckpt.task()).isEqualTo(Task.DETECT);
        assertThat(ckpt.model().parameterCount()).isGreaterThan(3_000_000L);
    }

    @Test
    void bnEpsIsReadPerModule() throws Exception {
        assertThat(PtCheckpoint.read(Fixtures.file("tiny/yolov8n.pt")).model().child("model").child("0").child("bn")
                .doubleAttr("eps")).isCloseTo(0.001, within(0.0));
        assertThat(PtCheckpoint.read(Fixtures.file("tiny/yolov8n-cls.pt")).model().child("model").child("0")
                .child("bn").doubleAttr("eps")).isCloseTo(1e-5, within(0.0));
    }
}
