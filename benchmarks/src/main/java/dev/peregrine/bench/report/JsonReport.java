package dev.peregrine.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peregrine.bench.LatencyStats;
import java.io.IOException;
import java.nio.file.Path;
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
            num(o, "rss_delta_bytes", r.rssDeltaBytes());
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
