package dev.peregrine.exporter;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import dev.peregrine.engines.Task;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code metadata_props} Ultralytics writes into its ONNX exports, with the same keys, order and Python-literal
 * formatting ({@code engine/exporter.py}), so that Ultralytics, our engines and any other reader of Ultralytics ONNX
 * files understand ours.
 *
 * <p>Ultralytics stamps {@code date} with the export time; we take the checkpoint's {@code date} (or a fixed one) so
 * that exporting the same file twice gives the same bytes. {@code version} is the Ultralytics version that wrote the
 * checkpoint, since no Ultralytics code runs here.
 */
final class ExportMetadata {
    /** Date used when the checkpoint has none. */
    static final String FIXED_DATE = "2026-01-01T00:00:00";
    private static final String LICENSE = "AGPL-3.0 License (https://ultralytics.com/license)";
    private static final String DOCS = "https://docs.ultralytics.com";
    private static final String VERSION = "8.4.7";

    private ExportMetadata() {
    }

    /** The metadata of an export of {@code model} at {@code height} x {@code width}. */
    static Map<String, String> of(UltralyticsModel model, int height, int width, ExportOptions options)
            throws PeregrineException {
        Map<String, String> m = new LinkedHashMap<>();
        String data = model.data();
        m.put("description", "Ultralytics " + model.prettyName() + " model " + (data == null ? "" : "trained on " + data));
        m.put("author", "Ultralytics");
        m.put("date", model.rootString("date", FIXED_DATE));
        m.put("version", model.rootString("version", VERSION));
        // Ultralytics writes its own licence and docs strings here, not the checkpoint's (they differ).
        m.put("license", LICENSE);
        m.put("docs", DOCS);
        m.put("stride", Integer.toString(model.maxStride()));
        Task task = model.task();
        m.put("task", task.ultralyticsName());
        m.put("batch", Integer.toString(options.batch()));
        m.put("imgsz", PythonLiterals.repr(List.of(height, width)));
        Map<Long, String> names = new LinkedHashMap<>();
        List<String> list = model.names();
        for (int i = 0; i < list.size(); i++) {
            names.put((long) i, list.get(i));
        }
        m.put("names", PythonLiterals.repr(names));
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("batch", options.batch());
        args.put("half", options.precision() == Precision.FP16);
        args.put("dynamic", options.dynamic());
        args.put("simplify", false);
        args.put("opset", options.opset());
        args.put("nms", false);
        m.put("args", PythonLiterals.repr(args));
        m.put("channels", Integer.toString(model.channels()));
        m.put("end2end", PythonLiterals.repr(model.endToEnd()));
        List<?> kpt = model.kptShape();
        if (task == Task.POSE && kpt != null) {
            m.put("kpt_shape", PythonLiterals.repr(kpt));
        }
        return m;
    }
}
