package dev.peregrine.exporter;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Task;
import dev.peregrine.exporter.modules.DetectHead;
import dev.peregrine.exporter.modules.ModuleAttrs;
import dev.peregrine.exporter.pt.ModuleNode;
import dev.peregrine.exporter.pt.PtCheckpoint;
import dev.peregrine.exporter.pt.TorchTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Ultralytics facts of a checkpoint that the export needs besides the layers: class names, task, strides,
 * training image size, the model's name and training data (for the ONNX description), the checkpoint's date, version,
 * licence and docs entries.
 */
final class UltralyticsModel {
    private final PtCheckpoint checkpoint;
    private final ModuleNode root;
    private final ModuleNode layers;
    private final ModuleNode head;
    private final Path file;

    private UltralyticsModel(PtCheckpoint checkpoint, ModuleNode root, ModuleNode layers, Path file) {
        this.checkpoint = checkpoint;
        this.root = root;
        this.layers = layers;
        List<ModuleNode> all = new ArrayList<>(layers.children().values());
        this.head = all.get(all.size() - 1);
        this.file = file;
    }

    /** Checks that the checkpoint holds an Ultralytics model ({@code model.model} layer list). */
    static UltralyticsModel of(PtCheckpoint ckpt, Path file) throws PeregrineException {
        ModuleNode root = ckpt.model();
        if (root == null) {
            throw PeregrineException.badInput(file + " holds no model (neither 'ema' nor 'model' is set)");
        }
        ModuleNode layers = root.children().get("model");
        if (layers == null || layers.children().isEmpty()) {
            throw PeregrineException.unsupported(file + ": the model (" + root.className()
                    + ") has no 'model' layer list; not an Ultralytics YOLO model");
        }
        return new UltralyticsModel(ckpt, root, layers, file);
    }

    /** The model module ({@code DetectionModel} ...). */
    ModuleNode root() {
        return root;
    }

    /** The {@code Sequential} of layers. */
    ModuleNode layers() {
        return layers;
    }

    /** The last layer: the head. */
    ModuleNode head() {
        return head;
    }

    /** The task, from the head's class like Ultralytics' {@code guess_model_task}. */
    Task task() throws PeregrineException {
        String h = head.simpleName();
        if (h.equals("Detect") || h.equals("v10Detect") || h.endsWith("Detect")) {
            return Task.DETECT;
        }
        if (h.startsWith("Segment") || h.endsWith("Segment")) {
            return Task.SEGMENT;
        }
        if (h.startsWith("Pose")) {
            return Task.POSE;
        }
        if (h.startsWith("OBB")) {
            return Task.OBB;
        }
        if (h.startsWith("Classify")) {
            return Task.CLASSIFY;
        }
        Object t = args().get("task");
        if (t != null) {
            return Task.fromUltralytics(t.toString());
        }
        throw PeregrineException.unsupported(file + ": cannot tell the task of a model whose head is "
                + head.className());
    }

    /** Class names by index ({@code model.names}, a dict or a list), else {@code class<i>} for the head's nc. */
    List<String> names() throws PeregrineException {
        Object n = root.hasAttr("names") ? root.attr("names") : null;
        List<String> out = new ArrayList<>();
        if (n instanceof Map<?, ?> map) {
            TreeMap<Long, String> sorted = new TreeMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof Number k)) {
                    throw PeregrineException.badInput(file + ": class names are keyed by " + e.getKey()
                            + ", expected integers");
                }
                sorted.put(k.longValue(), String.valueOf(e.getValue()));
            }
            long expect = 0;
            for (Map.Entry<Long, String> e : sorted.entrySet()) {
                if (e.getKey() != expect++) {
                    throw PeregrineException.badInput(file + ": class ids are not 0..n-1: " + sorted.keySet());
                }
                out.add(e.getValue());
            }
            return out;
        }
        if (n instanceof List<?> list) {
            list.forEach(x -> out.add(String.valueOf(x)));
            return out;
        }
        long nc = ModuleAttrs.longOr(head, "nc", 0);
        for (int i = 0; i < nc; i++) {
            out.add("class" + i);
        }
        return out;
    }

    /** The largest stride ({@code model.stride}, else the head's strides, else 32). */
    int maxStride() throws PeregrineException {
        TorchTensor t = ModuleAttrs.optionalTensor(root, "stride");
        if (t == null) {
            t = ModuleAttrs.optionalTensor(head, "stride");
        }
        if (t == null) {
            return 32;
        }
        float max = 0;
        for (float v : t.toFloats()) {
            max = Math.max(max, v);
        }
        if (!(max >= 1)) {
            throw PeregrineException.badInput(file + ": the model's strides were never computed (" + max + ")");
        }
        return (int) max;
    }

    /** Whether the head is end-to-end (NMS-free). */
    boolean endToEnd() throws PeregrineException {
        return DetectHead.endToEnd(head);
    }

    /** The model's {@code args} (a dict in stripped checkpoints), else the checkpoint's {@code train_args}. */
    Map<?, ?> args() {
        Object a = root.hasAttr("args") ? root.attr("args") : null;
        if (a instanceof Map<?, ?> m && !m.isEmpty()) {
            return m;
        }
        return checkpoint.trainArgs();
    }

    /** The training image size {@code [h, w]} ({@code args.imgsz}), else 640 x 640. */
    int[] trainImgsz() {
        Object v = args().get("imgsz");
        if (v instanceof Number n && n.intValue() > 0) {
            return new int[] {n.intValue(), n.intValue()};
        }
        if (v instanceof List<?> l && l.size() == 2 && l.get(0) instanceof Number h && l.get(1) instanceof Number w) {
            return new int[] {h.intValue(), w.intValue()};
        }
        return new int[] {640, 640};
    }

    /** Input channels ({@code yaml.channels}, else 3). */
    int channels() {
        Object y = root.hasAttr("yaml") ? root.attr("yaml") : null;
        if (y instanceof Map<?, ?> yaml) {
            Object c = yaml.get("channels");
            if (c == null) {
                c = yaml.get("ch");
            }
            if (c instanceof Number n) {
                return n.intValue();
            }
        }
        return 3;
    }

    /** Ultralytics' pretty name: the model yaml's stem with "yolo" written "YOLO" ({@code YOLOv8n}). */
    String prettyName() {
        String stem = null;
        Object y = root.hasAttr("yaml") ? root.attr("yaml") : null;
        if (y instanceof Map<?, ?> yaml && yaml.get("yaml_file") instanceof String s) {
            stem = Path.of(s).getFileName().toString();
        }
        if (stem == null) {
            stem = file.getFileName().toString();
        }
        int dot = stem.lastIndexOf('.');
        if (dot > 0) {
            stem = stem.substring(0, dot);
        }
        return stem.replace("yolo", "YOLO");
    }

    /** The training data the model's args name, or null. */
    String data() {
        Object d = args().get("data");
        return d == null || d.toString().isEmpty() ? null : d.toString();
    }

    /** A top-level string entry of the checkpoint ({@code date}, {@code version}...), or {@code fallback}. */
    String rootString(String key, String fallback) {
        Object v = checkpoint.root().get(key);
        return v instanceof String s && !s.isEmpty() ? s : fallback;
    }

    /** The pose head's keypoint shape, or null. */
    List<?> kptShape() {
        Object k = head.hasAttr("kpt_shape") ? head.attr("kpt_shape") : null;
        return k instanceof List<?> l ? l : null;
    }
}
