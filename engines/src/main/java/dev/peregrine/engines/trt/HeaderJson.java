package dev.peregrine.engines.trt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import dev.peregrine.engines.Task;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JSON form of an {@link EngineFileHeader}. Written field by field (not by reflection) so that the file format stays
 * stable when the Java records change; unknown fields are ignored when reading, so newer writers stay readable.
 */
final class HeaderJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HeaderJson() {
    }

    static byte[] toJson(EngineFileHeader h) {
        ObjectNode root = JSON.createObjectNode();
        root.set("model", modelNode(h.model()));
        root.put("tensorrt", h.target().tensorRt().toString());
        ObjectNode gpu = root.putObject("gpu");
        gpu.put("name", h.target().gpu().name());
        gpu.put("compute_capability", h.target().gpu().computeCapability());
        gpu.put("total_memory", h.target().gpu().totalMemory());
        ObjectNode build = root.putObject("build");
        build.put("source_model", h.build().sourceModel());
        build.put("workspace_bytes", h.build().workspaceBytes());
        build.put("dla_core", h.build().dlaCore());
        build.put("gpu_fallback", h.build().gpuFallback());
        build.put("timing_cache", h.build().timingCache());
        build.put("built_at", h.build().builtAt());
        ArrayNode tensors = root.putArray("tensors");
        for (EngineTensor t : h.tensors()) {
            ObjectNode n = tensors.addObject();
            n.put("name", t.name());
            n.put("io", t.input() ? "input" : "output");
            n.put("type", t.type().onnxName());
            n.set("shape", longs(t.shape()));
            if (t.profile() != null) {
                ObjectNode p = n.putObject("profile");
                p.set("min", longs(t.profile().min()));
                p.set("opt", longs(t.profile().opt()));
                p.set("max", longs(t.profile().max()));
            }
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise engine header", e);
        }
    }

    static EngineFileHeader fromJson(byte[] bytes, int version, String fileName) throws PeregrineException {
        JsonNode root;
        try {
            root = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw PeregrineException.badInput(fileName + ": corrupt engine header (invalid JSON: " + e.getOriginalMessage() + ")");
        }
        Reader r = new Reader(fileName);
        try {
            ModelInfo model = r.model(r.object(root, "model"));
            TrtVersion trt = TrtVersion.parse(r.text(root, "tensorrt"));
            JsonNode g = r.object(root, "gpu");
            String[] cc = r.text(g, "compute_capability").split("\\.");
            if (cc.length != 2) {
                throw r.bad("gpu.compute_capability must be major.minor");
            }
            GpuIdentity gpu = new GpuIdentity(r.text(g, "name"), Integer.parseInt(cc[0]), Integer.parseInt(cc[1]),
                    g.path("total_memory").asLong(0));
            JsonNode b = r.object(root, "build");
            BuildSettings build = new BuildSettings(r.text(b, "source_model"), b.path("workspace_bytes").asLong(0),
                    b.path("dla_core").asInt(-1), b.path("gpu_fallback").asBoolean(false),
                    b.path("timing_cache").isTextual() ? b.get("timing_cache").asText() : null, r.text(b, "built_at"));
            List<EngineTensor> tensors = new ArrayList<>();
            JsonNode list = root.get("tensors");
            if (list == null || !list.isArray()) {
                throw r.bad("missing 'tensors'");
            }
            for (JsonNode t : list) {
                String io = r.text(t, "io");
                if (!io.equals("input") && !io.equals("output")) {
                    throw r.bad("tensor io must be input or output, got '" + io + "'");
                }
                JsonNode p = t.get("profile");
                ShapeProfile profile = p == null || p.isNull() ? null
                        : new ShapeProfile(r.longs(p, "min"), r.longs(p, "opt"), r.longs(p, "max"));
                tensors.add(new EngineTensor(r.text(t, "name"), io.equals("input"), ElementType.parse(r.text(t, "type")),
                        r.longs(t, "shape"), profile));
            }
            return new EngineFileHeader(version, model, new BuildTarget(trt, gpu), build, tensors);
        } catch (IllegalArgumentException e) {
            throw r.bad(e.getMessage());
        }
    }

    private static ObjectNode modelNode(ModelInfo m) {
        ObjectNode n = JSON.createObjectNode();
        ArrayNode names = n.putArray("names");
        m.names().forEach(names::add);
        n.put("task", m.task().ultralyticsName());
        ArrayNode imgsz = n.putArray("imgsz");
        imgsz.add(m.inputHeight()).add(m.inputWidth());
        n.put("stride", m.stride());
        n.put("batch", m.batch());
        n.put("end2end", m.endToEnd());
        ArrayNode kpt = n.putArray("kpt_shape");
        for (int k : m.kptShape()) {
            kpt.add(k);
        }
        n.put("channels", m.channels());
        n.put("precision", m.precision().name());
        ObjectNode meta = n.putObject("metadata");
        new java.util.TreeMap<>(m.metadata()).forEach(meta::put);
        return n;
    }

    private static ArrayNode longs(long[] values) {
        ArrayNode a = JSON.createArrayNode();
        for (long v : values) {
            a.add(v);
        }
        return a;
    }

    /** Field access that turns a missing or mistyped field into one BAD_INPUT message naming it. */
    private record Reader(String fileName) {
        PeregrineException bad(String what) {
            return PeregrineException.badInput(fileName + ": corrupt engine header (" + what + ")");
        }

        JsonNode object(JsonNode parent, String field) throws PeregrineException {
            JsonNode n = parent.get(field);
            if (n == null || !n.isObject()) {
                throw bad("missing object '" + field + "'");
            }
            return n;
        }

        String text(JsonNode parent, String field) throws PeregrineException {
            JsonNode n = parent.get(field);
            if (n == null || !n.isValueNode() || n.isNull()) {
                throw bad("missing field '" + field + "'");
            }
            return n.asText();
        }

        int integer(JsonNode parent, String field) throws PeregrineException {
            JsonNode n = parent.get(field);
            if (n == null || !n.isIntegralNumber()) {
                throw bad("missing integer '" + field + "'");
            }
            return n.asInt();
        }

        long[] longs(JsonNode parent, String field) throws PeregrineException {
            JsonNode n = parent.get(field);
            if (n == null || !n.isArray()) {
                throw bad("missing array '" + field + "'");
            }
            long[] v = new long[n.size()];
            for (int i = 0; i < v.length; i++) {
                if (!n.get(i).isIntegralNumber()) {
                    throw bad("'" + field + "' must hold integers");
                }
                v[i] = n.get(i).asLong();
            }
            return v;
        }

        ModelInfo model(JsonNode m) throws PeregrineException {
            List<String> names = new ArrayList<>();
            JsonNode list = m.get("names");
            if (list == null || !list.isArray()) {
                throw bad("missing array 'model.names'");
            }
            list.forEach(x -> names.add(x.asText()));
            long[] imgsz = longs(m, "imgsz");
            if (imgsz.length != 2) {
                throw bad("model.imgsz must be [height, width]");
            }
            long[] kpt = m.has("kpt_shape") ? longs(m, "kpt_shape") : new long[0];
            int[] kptShape = new int[kpt.length];
            for (int i = 0; i < kpt.length; i++) {
                kptShape[i] = (int) kpt[i];
            }
            Map<String, String> meta = new LinkedHashMap<>();
            JsonNode md = m.get("metadata");
            if (md != null && md.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = md.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    meta.put(e.getKey(), e.getValue().asText());
                }
            }
            Precision precision;
            try {
                precision = Precision.valueOf(text(m, "precision").toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw bad("unknown model.precision '" + m.get("precision").asText() + "'");
            }
            return new ModelInfo(names, Task.fromUltralytics(text(m, "task")), (int) imgsz[0], (int) imgsz[1],
                    integer(m, "stride"), integer(m, "batch"), m.path("end2end").asBoolean(false), kptShape,
                    m.path("channels").asInt(3), precision, "engine", meta);
        }
    }
}
