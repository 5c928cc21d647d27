package dev.peregrine.exporter.pt;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Task;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Ultralytics {@code .pt} checkpoint read in pure Java: the zip archive, its pickle through an allow-list that
 * never executes anything ({@link SafeUnpickler}), and the tensor storages. The network is taken from {@code ema}
 * when present, else from {@code model}, as Ultralytics does. Immutable once read; all tensor bytes are in memory
 * and no file handle stays open.
 *
 * <pre>{@code
 * PtCheckpoint ckpt = PtCheckpoint.read(Path.of("yolov8n.pt"));
 * ModuleNode detect = ckpt.model().child("model").child("22");
 * float[] w = detect.child("cv2").child("0").child("0").child("conv").param("weight").toFloats();
 * }</pre>
 */
public final class PtCheckpoint {
    private static final Logger LOG = LoggerFactory.getLogger(PtCheckpoint.class);

    private final Path file;
    private final Map<String, Object> root;
    private final ModuleNode model;
    private final String modelKey;
    private final Map<String, Object> trainArgs;
    private final Set<String> globals;
    private final String torchVersionHint;
    private final ByteOrder byteOrder;

    private PtCheckpoint(Path file, Map<String, Object> root, ModuleNode model, String modelKey,
            Map<String, Object> trainArgs, Set<String> globals, String torchVersionHint, ByteOrder byteOrder) {
        this.file = file;
        this.root = root;
        this.model = model;
        this.modelKey = modelKey;
        this.trainArgs = trainArgs;
        this.globals = globals;
        this.torchVersionHint = torchVersionHint;
        this.byteOrder = byteOrder;
    }

    /** Reads a checkpoint with the {@link PtLimits#DEFAULT default limits}. */
    public static PtCheckpoint read(Path file) throws PeregrineException {
        return read(file, PtLimits.DEFAULT);
    }

    /**
     * Reads a checkpoint.
     *
     * @throws PeregrineException NOT_FOUND if the file does not exist; BAD_INPUT for a corrupt or truncated archive,
     *     a disallowed global (possible malicious pickle) or a file that is not an Ultralytics checkpoint;
     *     UNSUPPORTED for legacy/TorchScript formats and plain state_dicts; TOO_LARGE when a limit is exceeded
     */
    public static PtCheckpoint read(Path file, PtLimits limits) throws PeregrineException {
        long start = System.nanoTime();
        String label = "checkpoint " + file;
        try (PtArchive archive = PtArchive.open(file, label, limits)) {
            SafeUnpickler unpickler = new SafeUnpickler(label);
            Object raw = unpickler.unpickle(archive.readPickle());
            ByteOrder order = archive.byteOrder();
            for (TensorStorage s : unpickler.storages().values()) {
                s.attach(archive.readStorage(s.key(), s.byteLength()), order);
            }
            String hint = archive.versionHint();
            PtCheckpoint ckpt = assemble(file, label, raw, new ValueConverter(label, limits), unpickler.globals(),
                    hint, order);
            LOG.debug("read {} in {} ms: {} storages, model {} ({})", file, (System.nanoTime() - start) / 1_000_000,
                    unpickler.storages().size(), ckpt.model.className(), hint);
            return ckpt;
        }
    }

    private static PtCheckpoint assemble(Path file, String label, Object raw, ValueConverter converter,
            Set<String> globals, String hint, ByteOrder order) throws PeregrineException {
        if (!(raw instanceof Map)) {
            Object top = converter.convert(raw, "");
            if (top instanceof ModuleNode) {
                throw PeregrineException.unsupported(label + " holds a bare " + ((ModuleNode) top).className()
                        + " module (torch.save(model)), not an Ultralytics checkpoint dict; save the model with"
                        + " YOLO(...).save()");
            }
            throw PeregrineException.badInput(label + " is not an Ultralytics checkpoint: its pickle holds "
                    + Values.describe(top) + " instead of a dict with 'model' or 'ema'");
        }
        Map<?, ?> rawRoot = (Map<?, ?>) raw;
        if (looksLikeStateDict(rawRoot)) {
            throw PeregrineException.unsupported(label + " is a state_dict, not an Ultralytics checkpoint (a dict of "
                    + rawRoot.size() + " tensors without the module tree); save the model with YOLO(...).save()");
        }
        Map<String, Object> root = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : rawRoot.entrySet()) {
            if (!(e.getKey() instanceof String)) {
                throw PeregrineException.badInput(label + " is not an Ultralytics checkpoint: its top-level dict has"
                        + " the key " + Values.describe(e.getKey()));
            }
            root.put((String) e.getKey(), converter.convert(e.getValue(), ""));
        }
        String key = root.get("ema") instanceof ModuleNode ? "ema" : "model";
        Object selected = root.get(key);
        if (!(selected instanceof ModuleNode)) {
            if (!root.containsKey("model") && !root.containsKey("ema")) {
                throw PeregrineException.badInput(label + " is not an Ultralytics checkpoint: its top-level dict has "
                        + keys(root) + " but neither 'model' nor 'ema'");
            }
            if (selected instanceof Map && !((Map<?, ?>) selected).isEmpty()
                    && ((Map<?, ?>) selected).values().stream().allMatch(v -> v instanceof TorchTensor)) {
                throw PeregrineException.unsupported(label + " holds a state_dict under '" + key + "', not an"
                        + " Ultralytics checkpoint; save the model with YOLO(...).save()");
            }
            throw PeregrineException.badInput(label + " is not a usable Ultralytics checkpoint: '" + key + "' is "
                    + Values.describe(selected) + " (and 'ema' is " + Values.describe(root.get("ema"))
                    + "), expected a torch module");
        }
        ModuleNode model = (ModuleNode) selected;
        return new PtCheckpoint(file, Collections.unmodifiableMap(root), model, key,
                trainArgs(root, model), globals, hint, order);
    }

    /** A dict whose values are all tensors, or that nests one under a state_dict key, is a state_dict. */
    private static boolean looksLikeStateDict(Map<?, ?> raw) {
        if (raw.containsKey("model") || raw.containsKey("ema")) {
            return false;
        }
        if (!raw.isEmpty() && raw.values().stream().allMatch(v -> v instanceof TorchTensor)) {
            return true;
        }
        for (String k : List.of("state_dict", "model_state_dict", "model_state")) {
            Object v = raw.get(k);
            if (v instanceof Map && !((Map<?, ?>) v).isEmpty()
                    && ((Map<?, ?>) v).values().stream().allMatch(t -> t instanceof TorchTensor)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Object> trainArgs(Map<String, Object> root, ModuleNode model) {
        Object args = root.get("train_args");
        if (!(args instanceof Map) && model.hasAttr("args")) {
            args = model.attr("args");
        }
        if (args instanceof PickledObject) {
            return ((PickledObject) args).state();
        }
        if (args instanceof Map) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<?, ?>) args).forEach((k, v) -> out.put(String.valueOf(k), v));
            return Collections.unmodifiableMap(out);
        }
        return Map.of();
    }

    private static String keys(Map<String, ?> m) {
        return m.isEmpty() ? "no keys" : "keys " + new ArrayList<>(m.keySet());
    }

    /** The file this was read from. */
    public Path file() {
        return file;
    }

    /** The network: the {@code ema} model when present, else {@code model}; its {@link ModuleNode#path()} is "". */
    public ModuleNode model() {
        return model;
    }

    /** Which top-level key {@link #model()} came from: {@code ema} or {@code model}. */
    public String modelKey() {
        return modelKey;
    }

    /**
     * The training arguments: the checkpoint's {@code train_args}, else the model's {@code args} (a dict, or the
     * state of an {@code IterableSimpleNamespace}); empty when neither exists.
     */
    public Map<String, Object> trainArgs() {
        return trainArgs;
    }

    /** The top-level dict ({@code date, version, model, ema, train_args, ...}) with values converted. */
    public Map<String, Object> root() {
        return root;
    }

    /** Every global the pickle references, as {@code module.name}, sorted. */
    public Set<String> globals() {
        return globals;
    }

    /** Which torch wrote the archive, judged from its records, e.g. {@code torch 1.6-1.13 (zip format, ...)}. */
    public String torchVersionHint() {
        return torchVersionHint;
    }

    /** The byte order of the storages (big-endian archives are converted on read). */
    public ByteOrder byteOrder() {
        return byteOrder;
    }

    /** The Ultralytics version that saved the file (top-level {@code version}), if recorded. */
    public Optional<String> ultralyticsVersion() {
        Object v = root.get("version");
        return v instanceof String ? Optional.of((String) v) : Optional.empty();
    }

    /**
     * Class names by index from the model's {@code names} attribute (a dict, or a list in older files); empty when
     * absent.
     */
    public Map<Integer, String> names() {
        Object v = model.hasAttr("names") ? model.attr("names") : null;
        Map<Integer, String> out = new TreeMap<>();
        if (v instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (e.getKey() instanceof Long && e.getValue() instanceof String) {
                    out.put(((Long) e.getKey()).intValue(), (String) e.getValue());
                }
            }
        } else if (v instanceof List) {
            List<?> l = (List<?>) v;
            for (int i = 0; i < l.size(); i++) {
                out.put(i, String.valueOf(l.get(i)));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The model's {@code stride} tensor as floats (e.g. {@code [8, 16, 32]}); empty when absent. */
    public float[] stride() {
        Object v = model.hasAttr("stride") ? model.attr("stride") : null;
        if (v instanceof TorchTensor) {
            return ((TorchTensor) v).toFloats();
        }
        if (v instanceof List) {
            List<?> l = (List<?>) v;
            float[] out = new float[l.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = l.get(i) instanceof Number ? ((Number) l.get(i)).floatValue() : Float.NaN;
            }
            return out;
        }
        return new float[0];
    }

    /** The model's {@code yaml} dict (the architecture it was built from); empty when absent. */
    @SuppressWarnings("unchecked")
    public Map<Object, Object> yaml() {
        Object v = model.hasAttr("yaml") ? model.attr("yaml") : null;
        return v instanceof Map ? (Map<Object, Object>) v : Map.of();
    }

    /**
     * The task: {@code model.args['task']}, else {@code train_args['task']}, else inferred from the model class
     * ({@code SegmentationModel} -> segment, ...) or the head module, as Ultralytics' {@code guess_model_task}.
     *
     * @throws PeregrineException UNSUPPORTED when no rule identifies the task
     */
    public Task task() throws PeregrineException {
        Object args = model.hasAttr("args") ? model.attr("args") : null;
        Object t = args instanceof Map ? ((Map<?, ?>) args).get("task")
                : args instanceof PickledObject ? ((PickledObject) args).state().get("task") : null;
        if (!(t instanceof String)) {
            t = trainArgs.get("task");
        }
        if (t instanceof String) {
            return Task.fromUltralytics((String) t);
        }
        String cls = model.simpleName().toLowerCase(Locale.ROOT);
        for (ModuleNode m : model.walk()) {
            String n = m.simpleName().toLowerCase(Locale.ROOT);
            if (m != model && !n.equals("detect") && !n.equals("segment") && !n.equals("pose") && !n.equals("obb")
                    && !n.equals("classify")) {
                continue;
            }
            String name = m == model ? cls : n;
            if (name.contains("segment")) {
                return Task.SEGMENT;
            }
            if (name.contains("pose")) {
                return Task.POSE;
            }
            if (name.contains("obb")) {
                return Task.OBB;
            }
            if (name.contains("classif")) {
                return Task.CLASSIFY;
            }
            if (name.contains("detect")) {
                return Task.DETECT;
            }
        }
        throw new PeregrineException(ErrorCode.UNSUPPORTED, "checkpoint " + file + ": cannot tell the task of "
                + model.className() + " (no args['task'] and no recognised head)");
    }

    @Override
    public String toString() {
        return "PtCheckpoint[" + file + ", " + modelKey + "=" + model.className() + ", " + torchVersionHint + "]";
    }
}
