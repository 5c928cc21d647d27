package dev.peregrine.exporter.pt;

import dev.peregrine.exporter.pt.PickleGlobal.Kind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The globals a checkpoint pickle may reference, and what each does when called. Everything else, in particular
 * anything that could run code in Python ({@code os.system}, {@code builtins.eval}, {@code subprocess.Popen},
 * {@code posix.system}, ...), is refused before it reaches the stack. docs/CHECKPOINTS.md explains each entry.
 *
 * <p>Classes are allowed by package rather than by name so that new Ultralytics or torch module classes do not need a
 * code change: they only ever become attribute bags, and whether a consumer understands them is its own question.
 */
final class GlobalAllowList {
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern MODULE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");
    /** Module prefixes whose class names (CamelCase) are read as attribute bags. */
    private static final List<String> CLASS_PACKAGES = List.of("ultralytics.nn.", "torch.nn.modules.",
            "torchvision.transforms.");
    private static final Map<String, PickleGlobal> EXACT = new HashMap<>();

    static {
        exact("collections", "OrderedDict", Kind.ORDERED_DICT, null);
        exact("builtins", "set", Kind.SET, null);
        exact("builtins", "frozenset", Kind.SET, null);
        exact("builtins", "getattr", Kind.GETATTR, null);
        exact("_codecs", "encode", Kind.CODECS_ENCODE, null);
        exact("torch", "Size", Kind.TORCH_SIZE, null);
        exact("torch._utils", "_rebuild_tensor_v2", Kind.REBUILD_TENSOR_V2, null);
        exact("torch._utils", "_rebuild_tensor_v3", Kind.REBUILD_TENSOR_V3, null);
        exact("torch._utils", "_rebuild_parameter", Kind.REBUILD_PARAMETER, null);
        exact("torch._utils", "_rebuild_parameter_with_state", Kind.REBUILD_PARAMETER_WITH_STATE, null);
        storage("FloatStorage", DType.FLOAT32);
        storage("HalfStorage", DType.FLOAT16);
        storage("BFloat16Storage", DType.BFLOAT16);
        storage("DoubleStorage", DType.FLOAT64);
        storage("LongStorage", DType.INT64);
        storage("IntStorage", DType.INT32);
        storage("ShortStorage", DType.INT16);
        storage("CharStorage", DType.INT8);
        storage("ByteStorage", DType.UINT8);
        storage("BoolStorage", DType.BOOL);
        storage("UntypedStorage", DType.UINT8);
        dtype(DType.FLOAT32, "float32", "float");
        dtype(DType.FLOAT16, "float16", "half");
        dtype(DType.BFLOAT16, "bfloat16");
        dtype(DType.FLOAT64, "float64", "double");
        dtype(DType.INT64, "int64", "long");
        dtype(DType.INT32, "int32", "int");
        dtype(DType.INT16, "int16", "short");
        dtype(DType.INT8, "int8");
        dtype(DType.UINT8, "uint8");
        dtype(DType.BOOL, "bool");
        // Train args of un-stripped checkpoints (8.1+ path, and the 8.0 path).
        exact("ultralytics.utils", "IterableSimpleNamespace", Kind.OBJECT_CLASS, null);
        exact("ultralytics.yolo.utils", "IterableSimpleNamespace", Kind.OBJECT_CLASS, null);
        // Classification checkpoints pickle their preprocessing, including this enum (getattr(cls, 'BILINEAR')).
        exact("torchvision.transforms.functional", "InterpolationMode", Kind.ENUM_CLASS, null);
        exact("torchvision.transforms", "InterpolationMode", Kind.ENUM_CLASS, null);
    }

    private GlobalAllowList() {
    }

    private static void exact(String module, String name, Kind kind, DType dtype) {
        EXACT.put(module + "." + name, new PickleGlobal(module, name, kind, dtype));
    }

    private static void storage(String name, DType dtype) {
        exact("torch", name, Kind.STORAGE_TYPE, dtype);
    }

    private static void dtype(DType dtype, String... names) {
        for (String n : names) {
            exact("torch", n, Kind.DTYPE, dtype);
        }
    }

    /**
     * The allow-list entry for a global, keeping the module spelling of the pickle ({@code __builtin__} and
     * {@code builtins} are the same module); {@code null} when the global is not allowed.
     */
    static PickleGlobal resolve(String module, String name) {
        if (module == null || name == null || !MODULE.matcher(module).matches() || !IDENT.matcher(name).matches()) {
            return null;
        }
        String normalized = module.equals("__builtin__") ? "builtins" : module;
        PickleGlobal known = EXACT.get(normalized + "." + name);
        if (known != null) {
            return new PickleGlobal(module, name, known.kind(), known.dtype());
        }
        if (looksLikeClass(name)) {
            for (String prefix : CLASS_PACKAGES) {
                if (normalized.startsWith(prefix)) {
                    return new PickleGlobal(module, name, Kind.OBJECT_CLASS, null);
                }
            }
        }
        return null;
    }

    /**
     * Classes are CamelCase ({@code Conv}, {@code DetectionModel}, also {@code v10Detect}); module-level functions
     * of the same packages ({@code torch_safe_load}, {@code attempt_load_weights}) are snake_case and refused.
     */
    private static boolean looksLikeClass(String name) {
        return name.charAt(0) != '_' && !name.equals(name.toLowerCase(java.util.Locale.ROOT));
    }
}
