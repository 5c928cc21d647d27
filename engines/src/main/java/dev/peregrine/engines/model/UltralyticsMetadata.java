package dev.peregrine.engines.model;

import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import dev.peregrine.engines.Task;
import dev.peregrine.engines.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link ModelInfo} from the {@code metadata_props} Ultralytics writes into exported models ({@code names},
 * {@code imgsz}, {@code stride}, {@code task}, {@code batch}, {@code channels}, {@code end2end}, {@code kpt_shape},
 * {@code args}) and checks them against the model's actual input and first output.
 *
 * <p>A plain ONNX file without these keys still loads: the input size comes from the input shape, the classes are
 * named {@code class0..} after the output shape, the task is detect and the stride 32 (a warning says so).
 *
 * <p>Output layouts it accepts (see the fixtures README): anchor-free {@code [B, 4+nc+extra, N]}, end-to-end
 * {@code [B, K, 6+extra]}, classify {@code [B, nc]}; {@code extra} is 0 for detect, 32 mask coefficients for
 * segment, {@code prod(kpt_shape)} for pose and 1 angle for obb.
 */
public final class UltralyticsMetadata {
    private static final Logger LOG = LoggerFactory.getLogger(UltralyticsMetadata.class);

    /** Mask coefficients per detection of an Ultralytics segment head ({@code Segment.nm}, 32 in every yaml). */
    static final int MASK_COEFFICIENTS = 32;
    /** Input size assumed for a model whose input is dynamic and whose metadata has no {@code imgsz}. */
    static final int DEFAULT_IMGSZ = 640;
    /** Stride of every stock YOLO detector; used when the metadata has none. */
    static final int DEFAULT_STRIDE = 32;

    private UltralyticsMetadata() {
    }

    /**
     * Reads the metadata and validates it against the model.
     *
     * @param props        the model's key/value metadata (empty for a plain ONNX file)
     * @param input        the model's image input
     * @param output0      the model's first output
     * @param sourceFormat artifact kind ({@code onnx}, {@code engine})
     * @throws PeregrineException BAD_INPUT when the input is not a 4-D float image tensor {@code [B,3,H,W]}, when a
     *                            metadata value cannot be parsed, or when the class count does not fit the output
     */
    public static ModelInfo parse(Map<String, String> props, TensorSpec input, TensorSpec output0, String sourceFormat)
            throws PeregrineException {
        checkImageInput(input);
        if (output0 == null) {
            throw PeregrineException.badInput("the model has no outputs");
        }
        boolean ultralytics = props.containsKey("names") || props.containsKey("imgsz") || props.containsKey("task");
        if (!ultralytics) {
            LOG.warn("model has no Ultralytics metadata (names, imgsz, task); assuming a detect model with stride {} "
                    + "and classes named after output {}", DEFAULT_STRIDE, output0);
            return plain(props, input, output0, sourceFormat);
        }

        Task task = props.containsKey("task") ? Task.fromUltralytics(props.get("task")) : Task.DETECT;
        List<String> names = props.containsKey("names") ? names(props.get("names")) : null;
        int[] kptShape = props.containsKey("kpt_shape") ? intList("kpt_shape", props.get("kpt_shape")) : new int[0];
        int stride = props.containsKey("stride") ? (int) integer("stride", props.get("stride")) : DEFAULT_STRIDE;
        int channels = props.containsKey("channels") ? (int) integer("channels", props.get("channels")) : 3;
        if (channels != 3) {
            throw PeregrineException.badInput("model input '" + input.name() + "' has " + channels
                    + " channels in its metadata; only 3-channel (RGB) models are supported");
        }
        int[] hw = inputSize(props, input);
        int batch = input.dim(0) > 0 ? (int) input.dim(0) : -1;
        int extra = extraValues(task, kptShape);
        if (names == null) {
            names = defaultNames(classesFromOutput(task, output0, extra));
        }
        boolean endToEnd = props.containsKey("end2end")
                ? bool("end2end", props.get("end2end"))
                : looksEndToEnd(task, output0, names.size(), extra);
        checkLayout(task, endToEnd, output0, names.size(), extra);
        return new ModelInfo(names, task, hw[0], hw[1], stride, batch, endToEnd, kptShape, channels,
                precision(props, input), sourceFormat, props);
    }

    /**
     * Throws unless {@code input} is {@code [B, 3, H, W]} of float or float16 (dynamic dims allowed).
     *
     * @throws PeregrineException BAD_INPUT naming the input and its actual type and shape
     */
    public static void checkImageInput(TensorSpec input) throws PeregrineException {
        if (input == null) {
            throw PeregrineException.badInput("the model has no inputs");
        }
        boolean floatType = input.elementType().equals("float") || input.elementType().equals("float16");
        boolean channelsOk = input.rank() == 4 && (input.dim(1) == 3 || input.dim(1) < 0);
        boolean sizeOk = input.rank() == 4 && input.dim(2) != 0 && input.dim(3) != 0;
        if (!floatType || !channelsOk || !sizeOk) {
            throw PeregrineException.badInput("model input '" + input.name() + "' is " + input.elementType()
                    + Arrays.toString(input.shape()) + "; expected a 4-D float image tensor [B, 3, H, W]");
        }
    }

    private static ModelInfo plain(Map<String, String> props, TensorSpec input, TensorSpec output0,
            String sourceFormat) throws PeregrineException {
        int[] hw = inputSize(props, input);
        int batch = input.dim(0) > 0 ? (int) input.dim(0) : -1;
        Task task = output0.rank() == 2 ? Task.CLASSIFY : Task.DETECT;
        boolean endToEnd = task == Task.DETECT && output0.rank() == 3 && output0.dim(2) == 6 && output0.dim(1) > 6;
        int nc = endToEnd ? 0 : classesFromOutput(task, output0, 0);
        if (!endToEnd) {
            checkLayout(task, false, output0, nc, 0);
        }
        return new ModelInfo(defaultNames(nc), task, hw[0], hw[1], task == Task.CLASSIFY ? 1 : DEFAULT_STRIDE, batch,
                endToEnd, new int[0], 3, precision(props, input), sourceFormat, props);
    }

    /** Input height and width: the static input dims, else the metadata's {@code imgsz}, else 640. */
    private static int[] inputSize(Map<String, String> props, TensorSpec input) throws PeregrineException {
        int[] meta = null;
        if (props.containsKey("imgsz")) {
            Object v = PythonLiteral.parse(props.get("imgsz"));
            if (v instanceof Long l) {
                meta = new int[] {l.intValue(), l.intValue()};
            } else {
                int[] list = intList("imgsz", props.get("imgsz"));
                if (list.length == 1) {
                    meta = new int[] {list[0], list[0]};
                } else if (list.length == 2) {
                    meta = list;
                } else {
                    throw PeregrineException.badInput("metadata imgsz " + props.get("imgsz") + " must be [h, w]");
                }
            }
        }
        int h = (int) input.dim(2);
        int w = (int) input.dim(3);
        if (h > 0 && w > 0) {
            if (meta != null && (meta[0] != h || meta[1] != w)) {
                LOG.warn("metadata imgsz {} differs from the input shape {}; using the input shape",
                        props.get("imgsz"), Arrays.toString(input.shape()));
            }
            return new int[] {h, w};
        }
        if (meta != null) {
            return new int[] {h > 0 ? h : meta[0], w > 0 ? w : meta[1]};
        }
        LOG.warn("input '{}' has a dynamic size and no imgsz metadata; assuming {}x{}", input.name(), DEFAULT_IMGSZ,
                DEFAULT_IMGSZ);
        return new int[] {h > 0 ? h : DEFAULT_IMGSZ, w > 0 ? w : DEFAULT_IMGSZ};
    }

    /** Values after the class scores per detection: mask coefficients, keypoints or the OBB angle. */
    static int extraValues(Task task, int[] kptShape) {
        return switch (task) {
            case SEGMENT -> MASK_COEFFICIENTS;
            case POSE -> kptShape.length == 0 ? 17 * 3 : Arrays.stream(kptShape).reduce(1, (a, b) -> a * b);
            case OBB -> 1;
            default -> 0;
        };
    }

    /** Class count implied by an anchor-free or classify output, or 0 when it cannot be told. */
    private static int classesFromOutput(Task task, TensorSpec out, int extra) {
        if (task == Task.CLASSIFY) {
            return out.rank() == 2 && out.dim(1) > 0 ? (int) out.dim(1) : 0;
        }
        if (out.rank() == 3 && out.dim(1) > 4 + extra) {
            return (int) out.dim(1) - 4 - extra;
        }
        return 0;
    }

    /** For metadata without {@code end2end} (older exports): end-to-end when only that layout fits. */
    private static boolean looksEndToEnd(Task task, TensorSpec out, int nc, int extra) {
        if (task == Task.CLASSIFY || out.rank() != 3) {
            return false;
        }
        return out.dim(1) != 4 + nc + extra && out.dim(2) == 6 + extra;
    }

    /** Checks the class count and task extras against the output shape (dynamic dims are not checked). */
    private static void checkLayout(Task task, boolean endToEnd, TensorSpec out, int nc, int extra)
            throws PeregrineException {
        String shape = out.name() + " " + Arrays.toString(out.shape());
        if (task == Task.CLASSIFY) {
            if (out.rank() != 2) {
                throw PeregrineException.badInput("classify model output " + shape + " should be [B, nc]");
            }
            if (out.dim(1) > 0 && out.dim(1) != nc) {
                throw PeregrineException.badInput("metadata lists " + nc + " class names but classify output "
                        + shape + " has " + out.dim(1) + " classes");
            }
            return;
        }
        if (out.rank() != 3) {
            throw PeregrineException.badInput(task.ultralyticsName() + " model output " + shape + " should be "
                    + (endToEnd ? "[B, K, 6+extra]" : "[B, 4+nc+extra, N]"));
        }
        if (endToEnd) {
            if (out.dim(2) > 0 && out.dim(2) != 6 + extra) {
                throw PeregrineException.badInput("end-to-end " + task.ultralyticsName() + " output " + shape
                        + " should have " + (6 + extra) + " values per detection (x1, y1, x2, y2, score, class"
                        + (extra > 0 ? " + " + extra + " extra" : "") + "), not " + out.dim(2));
            }
            return;
        }
        if (out.dim(1) > 0 && out.dim(1) != 4 + nc + extra) {
            long outClasses = out.dim(1) - 4 - extra;
            throw PeregrineException.badInput("metadata lists " + nc + " class names but output " + shape + " has "
                    + outClasses + " class rows (" + out.dim(1) + " rows = 4 box + classes"
                    + (extra > 0 ? " + " + extra + " " + task.ultralyticsName() + " values" : "") + ")");
        }
    }

    /** Class names from a dict literal {@code {0: 'person', ...}} (or a list); gaps are named {@code class<i>}. */
    static List<String> names(String literal) throws PeregrineException {
        Object v = PythonLiteral.parse(literal);
        if (v instanceof List<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (Object o : list) {
                out.add(String.valueOf(o));
            }
            return out;
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw PeregrineException.badInput("metadata names must be a dict {id: name}, got " + abbreviate(literal));
        }
        int size = 0;
        for (Object k : map.keySet()) {
            if (!(k instanceof Long id) || id < 0 || id > 100_000) {
                throw PeregrineException.badInput("metadata names has key " + k + "; expected class ids 0..n-1");
            }
            size = Math.max(size, id.intValue() + 1);
        }
        List<String> out = new ArrayList<>(defaultNames(size));
        for (Map.Entry<?, ?> e : map.entrySet()) {
            out.set(((Long) e.getKey()).intValue(), String.valueOf(e.getValue()));
        }
        return out;
    }

    private static List<String> defaultNames(int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add("class" + i);
        }
        return out;
    }

    private static Precision precision(Map<String, String> props, TensorSpec input) throws PeregrineException {
        String explicit = props.get("precision");
        if (explicit != null) {
            try {
                return Precision.valueOf(explicit.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw PeregrineException.badInput("metadata precision '" + explicit + "' is not fp32, fp16 or int8");
            }
        }
        if (props.containsKey("args") && PythonLiteral.parse(props.get("args")) instanceof Map<?, ?> args) {
            if (Boolean.TRUE.equals(args.get("int8"))) {
                return Precision.INT8;
            }
            if (Boolean.TRUE.equals(args.get("half"))) {
                return Precision.FP16;
            }
        }
        return input.elementType().equals("float16") ? Precision.FP16 : Precision.FP32;
    }

    private static long integer(String key, String literal) throws PeregrineException {
        Object v = PythonLiteral.parse(literal);
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Long) {
            // stride may be written as a list of strides by some exporters; the largest one is what matters.
            long max = 0;
            for (Object o : list) {
                max = Math.max(max, ((Number) o).longValue());
            }
            return max;
        }
        throw PeregrineException.badInput("metadata " + key + " must be an integer, got " + abbreviate(literal));
    }

    private static boolean bool(String key, String literal) throws PeregrineException {
        if (PythonLiteral.parse(literal) instanceof Boolean b) {
            return b;
        }
        throw PeregrineException.badInput("metadata " + key + " must be True or False, got " + abbreviate(literal));
    }

    private static int[] intList(String key, String literal) throws PeregrineException {
        Object v = PythonLiteral.parse(literal);
        if (v instanceof List<?> list) {
            int[] out = new int[list.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(list.get(i) instanceof Long l) || l < 0 || l > Integer.MAX_VALUE) {
                    throw PeregrineException.badInput("metadata " + key + " must be a list of integers, got "
                            + abbreviate(literal));
                }
                out[i] = l.intValue();
            }
            return out;
        }
        throw PeregrineException.badInput("metadata " + key + " must be a list of integers, got " + abbreviate(literal));
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
