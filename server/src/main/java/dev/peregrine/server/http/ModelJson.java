package dev.peregrine.server.http;

import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.TensorSpec;
import dev.peregrine.server.batch.BatchPolicy;
import dev.peregrine.server.model.ServedModel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Optional;

/** JSON descriptions of served models: Peregrine's own ({@code /v1/models}) and the Open Inference Protocol's. */
final class ModelJson {
    private ModelJson() {
    }

    /**
     * {@code {name, state, engine, device, task, classes, input, stride, batch, end_to_end, precision,
     * source_format, artifact, batching}}; model details are left out while the model has none (loading, failed).
     * {@code artifact} says which file runs: {@code {source, file, derivation}} with file names only (the
     * directories are the server's business), {@code derivation} one of {@code as_is}, {@code exported},
     * {@code uint8_activations}.
     */
    static JsonObject v1(ServedModel m) {
        JsonObject o = new JsonObject()
                .put("name", m.name())
                .put("state", m.state().name().toLowerCase(Locale.ROOT))
                .put("engine", m.engineDescription())
                .put("device", String.valueOf(m.device()));
        ModelInfo info = m.info();
        if (info != null) {
            o.put("task", info.task().ultralyticsName())
                    .put("classes", new JsonArray(info.names()))
                    .put("input", new JsonObject().put("height", info.inputHeight()).put("width", info.inputWidth())
                            .put("channels", info.channels()))
                    .put("stride", info.stride())
                    .put("batch", info.dynamicBatch() ? "dynamic" : Integer.toString(info.batch()))
                    .put("end_to_end", info.endToEnd())
                    .put("precision", info.precision().name().toLowerCase(Locale.ROOT))
                    .put("source_format", info.sourceFormat());
        }
        m.artifact().ifPresent(a -> o.put("artifact", new JsonObject()
                .put("source", String.valueOf(a.source().getFileName()))
                .put("file", String.valueOf(a.file().getFileName()))
                .put("derivation", a.derivation().jsonName())));
        return o.put("batching", batching(m.policy()));
    }

    static JsonObject batching(BatchPolicy p) {
        JsonArray preferred = new JsonArray();
        if (p.preferredSizes() != null) {
            for (int s : p.preferredSizes()) {
                preferred.add(s);
            }
        }
        return new JsonObject()
                .put("max_batch", p.maxBatch())
                .put("preferred_sizes", preferred)
                .put("max_queue_delay_ms", p.maxQueueDelay().toNanos() / 1e6)
                .put("max_queue_bytes", p.maxQueueBytes())
                .put("max_queue_items", p.maxQueueItems())
                .put("timeout_ms", p.defaultTimeout().toMillis());
    }

    /** Open Inference Protocol model metadata: {@code {name, versions, platform, inputs, outputs}}. */
    static JsonObject v2(ServedModel m, Optional<TensorModel> tensors) {
        JsonArray inputs = new JsonArray();
        JsonArray outputs = new JsonArray();
        tensors.ifPresent(t -> {
            inputs.add(tensor(t.input()));
            outputs.add(tensor(t.output()));
        });
        return new JsonObject().put("name", m.name()).put("versions", new JsonArray().add("1"))
                .put("platform", platform(m)).put("inputs", inputs).put("outputs", outputs);
    }

    /** The protocol's platform name: {@code tensorrt_plan} for TensorRT engines, else {@code onnxruntime_onnx}. */
    static String platform(ServedModel m) {
        String engine = m.engineDescription() == null ? "" : m.engineDescription().toLowerCase(Locale.ROOT);
        return engine.contains("tensorrt") && !engine.contains("onnxruntime") ? "tensorrt_plan" : "onnxruntime_onnx";
    }

    private static JsonObject tensor(TensorSpec spec) {
        JsonArray shape = new JsonArray();
        for (long d : spec.shape()) {
            shape.add(d);
        }
        return new JsonObject().put("name", spec.name()).put("datatype", datatype(spec.elementType()))
                .put("shape", shape);
    }

    /** ONNX element type names to the protocol's datatype names. */
    static String datatype(String onnxType) {
        return switch (onnxType.toLowerCase(Locale.ROOT)) {
            case "float", "float32" -> "FP32";
            case "float16" -> "FP16";
            case "double" -> "FP64";
            case "int8" -> "INT8";
            case "uint8" -> "UINT8";
            case "int32" -> "INT32";
            case "int64" -> "INT64";
            case "bool" -> "BOOL";
            default -> onnxType.toUpperCase(Locale.ROOT);
        };
    }
}
