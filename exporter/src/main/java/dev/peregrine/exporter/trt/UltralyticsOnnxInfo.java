package dev.peregrine.exporter.trt;

import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Task;
import dev.peregrine.engines.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the {@link ModelInfo} an engine header records from an ONNX model's Ultralytics metadata
 * ({@code names}, {@code task}, {@code imgsz}, {@code stride}, {@code batch}, {@code end2end}, {@code kpt_shape},
 * {@code channels}) and its input shape.
 *
 * <p>Kept local to the engine builder because the engines branch's {@code UltralyticsMetadata} was not available
 * when this was written; the two should be merged (see docs/GPU.md).
 */
final class UltralyticsOnnxInfo {
    private UltralyticsOnnxInfo() {
    }

    /**
     * @throws PeregrineException BAD_INPUT when the model lacks Ultralytics metadata or a value does not parse
     */
    static ModelInfo of(OnnxModelSummary onnx) throws PeregrineException {
        Map<String, String> m = onnx.metadata();
        String file = onnx.file().getFileName().toString();
        if (!m.containsKey("names") || !m.containsKey("imgsz")) {
            throw PeregrineException.badInput(file + " has no Ultralytics metadata (names, imgsz): export it with Ultralytics "
                    + "or `peregrine export`, which record the class names and input size the engine header needs");
        }
        try {
            List<String> names = names(PythonLiteral.parse(m.get("names")));
            List<Long> imgsz = longs(PythonLiteral.parse(m.get("imgsz")), "imgsz");
            if (imgsz.size() == 1) {
                imgsz = List.of(imgsz.get(0), imgsz.get(0));
            }
            if (imgsz.size() != 2) {
                throw new IllegalArgumentException("imgsz must hold 1 or 2 values");
            }
            int[] kpt = m.containsKey("kpt_shape")
                    ? longs(PythonLiteral.parse(m.get("kpt_shape")), "kpt_shape").stream().mapToInt(Long::intValue).toArray()
                    : new int[0];
            TensorSpec input = onnx.inputs().get(0);
            int batch = input.rank() > 0 && input.dim(0) > 0 ? (int) input.dim(0) : -1;
            return new ModelInfo(names, Task.fromUltralytics(m.getOrDefault("task", "detect")), imgsz.get(0).intValue(),
                    imgsz.get(1).intValue(), Integer.parseInt(m.getOrDefault("stride", "32").trim()), batch,
                    Boolean.parseBoolean(m.getOrDefault("end2end", "False").trim().toLowerCase(java.util.Locale.ROOT)), kpt,
                    Integer.parseInt(m.getOrDefault("channels", "3").trim()), onnx.precision(), "onnx", m);
        } catch (IllegalArgumentException e) {
            throw PeregrineException.badInput(file + ": unreadable Ultralytics metadata: " + e.getMessage());
        }
    }

    /** {@code {0: 'person', 1: 'bicycle'}} (or a list) to names in class-id order; ids must be 0..n-1. */
    private static List<String> names(Object v) {
        if (v instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("names must be a dict or list");
        }
        TreeMap<Long, String> byId = new TreeMap<>();
        map.forEach((k, name) -> {
            if (!(k instanceof Long id)) {
                throw new IllegalArgumentException("names keys must be class ids, got " + k);
            }
            byId.put(id, String.valueOf(name));
        });
        List<String> out = new ArrayList<>();
        long expect = 0;
        for (Map.Entry<Long, String> e : byId.entrySet()) {
            if (e.getKey() != expect++) {
                throw new IllegalArgumentException("names ids must be 0.." + (byId.size() - 1) + ", found " + e.getKey());
            }
            out.add(e.getValue());
        }
        return out;
    }

    private static List<Long> longs(Object v, String what) {
        if (v instanceof Long n) {
            return List.of(n);
        }
        if (!(v instanceof List<?> l) || !l.stream().allMatch(x -> x instanceof Long)) {
            throw new IllegalArgumentException(what + " must be a list of integers");
        }
        return l.stream().map(x -> (Long) x).toList();
    }
}
