package dev.peregrine.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peregrine.bench.LatencyStats;
import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.engines.PeregrineException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the whole report as {@code results.json}. Values that were not measured are JSON {@code null} (never
 * {@code NaN}, which is not JSON), so any JSON reader can load the file.
 */
public final class JsonReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    /** Writes the report to {@code file}. */
    public static void write(BenchReport report, Path file) throws IOException {
        JSON.writeValue(file.toFile(), tree(report));
    }

    /** The report as a JSON tree. */
    public static ObjectNode tree(BenchReport report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", "peregrine-bench/1");
        root.set("run", info(report.info()));
        ArrayNode rows = root.putArray("results");
        for (BenchRow r : report.rows()) {
            ObjectNode o = rows.addObject();
            o.put("format", r.format());
            o.put("batch", r.batch());
            o.put("status", r.status().name());
            o.put("reason", r.reason());
            o.put("images", r.images());
            num(o, "seconds", r.seconds());
            num(o, "images_per_s", r.imagesPerSecond());
            o.set("latency_ms", latency(r.latency()));
            ObjectNode stages = o.putObject("ms_per_image");
            num(stages, "decode", r.stages().decodeMs());
            num(stages, "letterbox", r.stages().letterboxMs());
            num(stages, "infer", r.stages().inferMs());
            num(o, "file_bytes", r.fileBytes());
            num(o, "load_ms", r.loadMillis());
            num(o, "ram_delta_bytes", r.ramDeltaBytes());
            num(o, "gpu_bytes", r.gpuBytes());
            num(o, "map50", r.map50());
            num(o, "map50_95", r.map5095());
        }
        ArrayNode comps = root.putArray("comparisons");
        for (ComparisonRow c : report.comparisons()) {
            ObjectNode o = comps.addObject();
            o.put("subject", c.subject());
            o.put("variant", c.variant());
            o.put("stage", c.stage().name());
            o.put("batch", c.batch());
            o.put("status", c.status().name());
            o.put("reason", c.reason());
            num(o, "images_per_s", c.imagesPerSecond());
            o.set("latency_ms", latency(c.latency()));
        }
        ArrayNode ratios = root.putArray("ratios");
        for (Ratio r : Ratios.of(report.comparisons())) {
            ObjectNode o = ratios.addObject();
            o.put("name", r.name());
            num(o, "value", r.value());
            num(o, "target", r.target());
            o.put("detail", r.detail());
        }
        ArrayNode agreements = root.putArray("agreement");
        for (Agreement a : report.agreements()) {
            ObjectNode o = agreements.addObject();
            o.put("subject", a.subject());
            o.put("images", a.images());
            o.put("reference_detections", a.referenceDetections());
            o.put("detections", a.detections());
            o.put("matched", a.matched());
            o.put("identical", a.identical());
            o.put("note", a.note());
        }
        ArrayNode jmh = root.putArray("jmh");
        for (JmhResult j : report.jmh()) {
            ObjectNode o = jmh.addObject();
            o.put("benchmark", j.benchmark());
            ObjectNode params = o.putObject("params");
            j.params().forEach(params::put);
            o.put("mode", j.mode());
            num(o, "score", j.score());
            num(o, "error", j.error());
            o.put("unit", j.unit());
        }
        ArrayNode notes = root.putArray("notes");
        report.notes().forEach(notes::add);
        return root;
    }

    /**
     * Reads a {@code results.json} written by {@link #write} back into a report (ratios are derived again), so that
     * a run can be re-rendered or combined with JMH results without measuring again.
     *
     * @throws PeregrineException NOT_FOUND / BAD_INPUT when the file is missing or not a peregrine-bench report
     */
    public static BenchReport read(Path file) throws PeregrineException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (java.io.FileNotFoundException e) {
            throw PeregrineException.notFound("results file not found: " + file);
        } catch (IOException e) {
            throw PeregrineException.badInput("cannot read " + file + ": " + e.getMessage());
        }
        if (!"peregrine-bench/1".equals(root.path("schema").asText())) {
            throw PeregrineException.badInput(file + " is not a peregrine bench results.json (schema "
                    + "peregrine-bench/1)");
        }
        JsonNode run = root.path("run");
        RunInfo info = new RunInfo(run.path("command").asText(), run.path("started").asText(),
                run.path("model").asText(), run.path("device").asText(), run.path("cpu").asText(),
                run.path("cores").asInt(), doubles(run.path("load_average_before")),
                doubles(run.path("load_average_after")), strings(run.path("versions")),
                strings(run.path("settings")));
        List<BenchRow> rows = new ArrayList<>();
        for (JsonNode o : root.path("results")) {
            JsonNode st = o.path("ms_per_image");
            rows.add(new BenchRow(o.path("format").asText(), o.path("batch").asInt(),
                    RowStatus.valueOf(o.path("status").asText()), o.path("reason").asText(), o.path("images").asLong(),
                    dbl(o.path("seconds")), dbl(o.path("images_per_s")), latency(o.path("latency_ms")),
                    new StageMillis(dbl(st.path("decode")), dbl(st.path("letterbox")), dbl(st.path("infer"))),
                    lng(o.path("file_bytes")), nullableDbl(o.path("load_ms")), lng(o.path("ram_delta_bytes")),
                    lng(o.path("gpu_bytes")), nullableDbl(o.path("map50")), nullableDbl(o.path("map50_95"))));
        }
        List<ComparisonRow> comparisons = new ArrayList<>();
        for (JsonNode o : root.path("comparisons")) {
            comparisons.add(new ComparisonRow(o.path("subject").asText(), o.path("variant").asText(),
                    Stage.valueOf(o.path("stage").asText()), o.path("batch").asInt(),
                    RowStatus.valueOf(o.path("status").asText()), o.path("reason").asText(),
                    dbl(o.path("images_per_s")), latency(o.path("latency_ms"))));
        }
        List<Agreement> agreements = new ArrayList<>();
        for (JsonNode o : root.path("agreement")) {
            agreements.add(new Agreement(o.path("subject").asText(), o.path("images").asInt(),
                    o.path("reference_detections").asInt(), o.path("detections").asInt(), o.path("matched").asInt(),
                    o.path("note").asText()));
        }
        List<JmhResult> jmh = new ArrayList<>();
        for (JsonNode o : root.path("jmh")) {
            Map<String, String> params = new LinkedHashMap<>();
            o.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
            jmh.add(new JmhResult(o.path("benchmark").asText(), params, o.path("mode").asText(),
                    dbl(o.path("score")), dbl(o.path("error")), o.path("unit").asText()));
        }
        List<String> notes = new ArrayList<>();
        root.path("notes").forEach(n -> notes.add(n.asText()));
        return new BenchReport(info, rows, comparisons, agreements, jmh, notes);
    }

    private static LatencyStats latency(JsonNode o) {
        if (o.path("count").asLong() == 0) {
            return LatencyStats.EMPTY;
        }
        return new LatencyStats(o.path("count").asLong(), dbl(o.path("mean")), dbl(o.path("p50")),
                dbl(o.path("p90")), dbl(o.path("p99")), dbl(o.path("min")), dbl(o.path("max")));
    }

    private static double dbl(JsonNode n) {
        return n.isNumber() ? n.asDouble() : Double.NaN;
    }

    private static Double nullableDbl(JsonNode n) {
        return n.isNumber() ? n.asDouble() : null;
    }

    private static Long lng(JsonNode n) {
        return n.isNumber() ? n.asLong() : null;
    }

    private static List<Double> doubles(JsonNode arr) {
        List<Double> out = new ArrayList<>();
        arr.forEach(n -> out.add(n.asDouble()));
        return out;
    }

    private static Map<String, String> strings(JsonNode obj) {
        Map<String, String> out = new LinkedHashMap<>();
        obj.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static ObjectNode info(RunInfo info) {
        ObjectNode o = JSON.createObjectNode();
        o.put("command", info.command());
        o.put("started", info.started());
        o.put("model", info.model());
        o.put("device", info.device());
        o.put("cpu", info.cpu());
        o.put("cores", info.cores());
        ArrayNode before = o.putArray("load_average_before");
        info.loadBefore().forEach(before::add);
        ArrayNode after = o.putArray("load_average_after");
        info.loadAfter().forEach(after::add);
        ObjectNode versions = o.putObject("versions");
        info.versions().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> versions.put(e.getKey(), e.getValue()));
        ObjectNode settings = o.putObject("settings");
        info.settings().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> settings.put(e.getKey(), e.getValue()));
        return o;
    }

    private static ObjectNode latency(LatencyStats l) {
        ObjectNode o = JSON.createObjectNode();
        o.put("count", l.count());
        num(o, "mean", l.meanMs());
        num(o, "p50", l.p50Ms());
        num(o, "p90", l.p90Ms());
        num(o, "p99", l.p99Ms());
        num(o, "min", l.minMs());
        num(o, "max", l.maxMs());
        return o;
    }

    private static void num(ObjectNode o, String key, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            o.putNull(key);
        } else {
            o.put(key, v);
        }
    }

    private static void num(ObjectNode o, String key, Double v) {
        if (v == null) {
            o.putNull(key);
        } else {
            num(o, key, v.doubleValue());
        }
    }

    private static void num(ObjectNode o, String key, Long v) {
        if (v == null) {
            o.putNull(key);
        } else {
            o.put(key, v.longValue());
        }
    }
}
