package dev.peregrine.exporter.pt;

import static dev.peregrine.exporter.pt.PtCases.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.engines.Task;
import dev.peregrine.testing.Fixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Archives and pickles laid out the ways other torch and Ultralytics versions write them read to the same values:
 * torch 2.x records and module state, big-endian storages, pre-8.1 import paths, views of one storage.
 */
class PtCheckpointLayoutTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"torch2-style.pt", "big-endian.pt"})
    void readsTorch2StyleArchivesWithViewsOfSharedStorages(String file) throws Exception {
        PtCheckpoint ckpt = PtCheckpoint.read(resource(file));
        assertThat(ckpt.byteOrder()).isEqualTo(file.startsWith("big") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        assertThat(ckpt.torchVersionHint()).startsWith("torch 2.x");
        assertThat(ckpt.modelKey()).isEqualTo("ema"); // model is None, as in an un-stripped last.pt
        assertThat(ckpt.root().get("model")).isNull();
        ModuleNode model = ckpt.model();
        assertThat(model.className()).isEqualTo("ultralytics.nn.tasks.DetectionModel");
        assertThat(model.attributes()).doesNotContainKeys("_forward_hooks_with_kwargs", "_backward_pre_hooks",
                "_forward_hooks_always_called", "_state_dict_pre_hooks", "_forward_pre_hooks_with_kwargs");
        assertThat(ckpt.names()).containsExactly(Map.entry(0, "cat"), Map.entry(1, "dog"));
        assertThat(ckpt.stride()).containsExactly(8f, 16f, 32f);
        assertThat(ckpt.task()).isEqualTo(Task.DETECT);
        PickledObject args = (PickledObject) model.attr("args");
        assertThat(args.className()).isEqualTo("ultralytics.utils.IterableSimpleNamespace");
        assertThat(ckpt.trainArgs()).containsExactly(Map.entry("task", "detect"), Map.entry("imgsz", 64L),
                Map.entry("half", false));

        ModuleNode conv = model.child("model").child("0");
        assertThat(conv.className()).isEqualTo("ultralytics.nn.modules.conv.Conv");
        assertThat(conv.children().keySet()).containsExactly("conv", "bn", "act");
        TorchTensor w = conv.child("conv").param("weight");
        assertThat(w.dtype()).isEqualTo(DType.FLOAT16);
        assertThat(w.shape()).containsExactly(2, 3, 2, 2);
        assertThat(w.requiresGrad()).isTrue(); // from _rebuild_parameter, not from the wrapped tensor
        assertThat(conv.child("bn").buffer("running_mean").requiresGrad()).isFalse();
        float[] wv = w.toFloats();
        for (int i = 0; i < 24; i++) {
            assertThat(wv[i]).isEqualTo(i * 0.25f);
        }
        ModuleNode bn = conv.child("bn");
        assertThat(bn.param("weight").dtype()).isEqualTo(DType.BFLOAT16);
        assertThat(bn.param("weight").toFloats()).containsExactly(1.5f, -2.0f);
        assertThat(bn.param("bias").dtype()).isEqualTo(DType.FLOAT32);
        assertThat(bn.param("bias").toFloats()).containsExactly(0.1f, -0.2f);
        assertThat(bn.buffer("running_mean").storageKey()).isEqualTo(w.storageKey());
        assertThat(bn.buffer("running_mean").storageOffset()).isEqualTo(24);
        assertThat(bn.buffer("running_mean").toFloats()).containsExactly(6.0f, 6.25f);
        assertThat(bn.buffer("running_var").strides()).containsExactly(2);
        assertThat(bn.buffer("running_var").toFloats()).containsExactly(6.5f, 7.0f);
        TorchTensor count = bn.buffer("num_batches_tracked");
        assertThat(count.dtype()).isEqualTo(DType.INT64);
        assertThat(count.shape()).isEmpty();
        assertThat(count.toLongs()).containsExactly(123456789012L);
        assertThat(count.toFloats()).containsExactly(123456789012f);
        TorchTensor grid = model.tensorAttr("grid");
        assertThat(grid.toFloats()).containsExactly(7.5f, 8f, 8.5f, 9f, 9.5f, 7.75f, 8.25f, 8.75f, 9.25f, 9.75f);
        assertThat(grid.toDoubles()[9]).isEqualTo(9.75);
        assertThat(model.listAttr("shape")).containsExactly(1L, 2L, 5L);
        assertThat(model.parameterCount()).isEqualTo(24 + 2 + 2);
    }

    @Test
    void selfContainingListsStaySharedInsteadOfRecursingForever() throws Exception {
        List<Object> cycle = PtCheckpoint.read(resource("torch2-style.pt")).model().listAttr("cycle");
        assertThat(cycle.get(0)).isEqualTo("head");
        assertThat(cycle.get(1)).isSameAs(cycle);
    }

    @Test
    void readsOldImportPathsOrderedDictsAndPrefersEma() throws Exception {
        PtCheckpoint ckpt = PtCheckpoint.read(resource("old-paths.pt"));
        assertThat(ckpt.torchVersionHint()).startsWith("torch 1.6-1.13");
        assertThat(ckpt.root().keySet()).containsExactly("epoch", "model", "ema", "train_args");
        assertThat(ckpt.modelKey()).isEqualTo("ema");
        assertThat(ckpt.names()).containsExactly(Map.entry(0, "ema-cat"), Map.entry(1, "ema-dog"));
        assertThat(((ModuleNode) ckpt.root().get("model")).mapAttr("names")).containsEntry(0L, "model-cat");
        ModuleNode conv = ckpt.model().child("model").child("0");
        assertThat(conv.className()).isEqualTo("ultralytics.nn.modules.Conv");
        assertThat(conv.simpleName()).isEqualTo("Conv");
        assertThat(ckpt.globals()).contains("ultralytics.nn.modules.Conv", "ultralytics.yolo.utils.IterableSimpleNamespace",
                "collections.OrderedDict", "torch.BFloat16Storage");
        assertThat(ckpt.trainArgs()).containsExactly(Map.entry("task", "detect"), Map.entry("imgsz", 64L));
        assertThat(conv.child("conv").param("weight").toFloats()[23]).isEqualTo(23 * 0.25f);
    }

    /**
     * The fixture tiny/yolov8n.pt with its pickle re-written the way torch 2.x pickles modules (plain dicts, extra hook
     * dicts; by make_pt_cases.py) and its records re-packed as torch 2.x does: {@code archive/} prefix, byteorder,
     * .format_version, .storage_alignment and .data records, storages in numeric order (written here in reverse),
     * data descriptors (deflated by ZipOutputStream). It must read to exactly the same model.
     */
    @Test
    void readsTheFixtureRepackedTorch2Style() throws Exception {
        Path original = Fixtures.file("tiny/yolov8n.pt");
        Path repacked = tmp.resolve("yolov8n-torch2.pt");
        try (ZipFile in = new ZipFile(original.toFile()); OutputStream os = Files.newOutputStream(repacked);
                ZipOutputStream out = new ZipOutputStream(os)) {
            put(out, "archive/byteorder", "little".getBytes());
            List<ZipEntry> storages = new ArrayList<>();
            in.stream().filter(e -> e.getName().startsWith("yolov8n/data/")).forEach(storages::add);
            storages.sort(Comparator.comparingInt((ZipEntry e) -> Integer.parseInt(e.getName().substring(13)))
                    .reversed());
            for (int i = 0; i < storages.size(); i++) {
                ZipEntry e = storages.get(i);
                put(out, "archive/data/" + e.getName().substring(13), in.getInputStream(e).readAllBytes());
                if (i == storages.size() / 2) {
                    put(out, "archive/data.pkl", Files.readAllBytes(resource("yolov8n-torch2.data.pkl")));
                }
            }
            put(out, "archive/.format_version", "1".getBytes());
            put(out, "archive/.storage_alignment", "64".getBytes());
            put(out, "archive/.data/serialization_id", "0123456789".getBytes());
            put(out, "archive/.data/version", "3\n".getBytes());
        }
        PtCheckpoint a = PtCheckpoint.read(original);
        PtCheckpoint b = PtCheckpoint.read(repacked);
        assertThat(b.torchVersionHint()).startsWith("torch 2.x").contains("record version 3");
        assertThat(b.root().keySet()).containsExactlyElementsOf(a.root().keySet());
        assertThat(b.model().parameterCount()).isEqualTo(a.model().parameterCount());
        StringBuilder da = new StringBuilder();
        StringBuilder db = new StringBuilder();
        describe(a.model(), da);
        describe(b.model(), db);
        assertThat(db.toString()).isEqualTo(da.toString()).contains("model.22.dfl.conv");
    }

    @Test
    void readsNumpyScalarsOfOlderUltralyticsVersionsAsNumbers() throws Exception {
        PtCheckpoint ckpt = PtCheckpoint.read(resource("numpy-scalars.pt"));
        assertThat(ckpt.globals()).contains("numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar",
                "numpy.dtype", "_codecs.encode");
        assertThat(ckpt.root().get("best_fitness")).isEqualTo(0.625);
        @SuppressWarnings("unchecked")
        Map<Object, Object> metrics = (Map<Object, Object>) ckpt.root().get("train_metrics");
        assertThat(metrics).containsExactly(Map.entry("fitness", 1.5), Map.entry("count", -7L),
                Map.entry("flag", true), Map.entry("big", 2.5));
    }

    @Test
    void infersTheTaskFromModelAndHeadClassNamesWhenArgsAreMissing() {
        assertThat(PtCheckpoint.taskFromName("SegmentationModel")).isEqualTo(Task.SEGMENT);
        assertThat(PtCheckpoint.taskFromName("Segment26")).isEqualTo(Task.SEGMENT);
        assertThat(PtCheckpoint.taskFromName("PoseModel")).isEqualTo(Task.POSE);
        assertThat(PtCheckpoint.taskFromName("OBBModel")).isEqualTo(Task.OBB);
        assertThat(PtCheckpoint.taskFromName("ClassificationModel")).isEqualTo(Task.CLASSIFY);
        assertThat(PtCheckpoint.taskFromName("v10Detect")).isEqualTo(Task.DETECT);
        assertThat(PtCheckpoint.taskFromName("Sequential")).isNull();
    }

    private static void put(ZipOutputStream out, String name, byte[] data) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        out.write(data);
        out.closeEntry();
    }

    /** A canonical text of a module tree with every tensor's values, to compare two readings. */
    private static void describe(Object v, StringBuilder out) {
        if (v instanceof ModuleNode) {
            ModuleNode m = (ModuleNode) v;
            out.append("\n<").append(m.className()).append(" @").append(m.path()).append(' ');
            describe(m.attributes(), out);
            out.append(" params ");
            describe(m.parameters(), out);
            out.append(" buffers ");
            describe(m.buffers(), out);
            for (ModuleNode c : m.children().values()) {
                describe(c, out);
            }
            out.append('>');
        } else if (v instanceof TorchTensor) {
            TorchTensor t = (TorchTensor) v;
            out.append(t.dtype()).append(Arrays.toString(t.shape()))
                    .append(t.dtype().isFloatingPoint() ? Arrays.toString(t.toFloats()) : Arrays.toString(t.toLongs()));
        } else if (v instanceof Map) {
            out.append('{');
            ((Map<?, ?>) v).forEach((k, x) -> {
                out.append(k).append('=');
                describe(x, out);
                out.append(", ");
            });
            out.append('}');
        } else if (v instanceof List) {
            out.append('[');
            ((List<?>) v).forEach(x -> {
                describe(x, out);
                out.append(", ");
            });
            out.append(']');
        } else if (v instanceof PickledObject) {
            PickledObject p = (PickledObject) v;
            out.append(p.className()).append('(');
            describe(p.args(), out);
            describe(p.state(), out);
            out.append(')');
        } else {
            out.append(v);
        }
    }
}
