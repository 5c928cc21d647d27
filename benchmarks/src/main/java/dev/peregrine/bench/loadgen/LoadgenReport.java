package dev.peregrine.bench.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peregrine.bench.LatencyStats;
import dev.peregrine.engines.PeregrineException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders load steps as a console table and writes them as {@code loadgen.md} and {@code loadgen.json}. */
public final class LoadgenReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private LoadgenReport() {
    }

    /**
     * A fixed-width table, one line per step.
     *
     * @param imagesPerRequest images each request carries (img/s = ok/s times it)
     */
    public static String table(List<StepResult> steps, int imagesPerRequest) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-16s %7s %7s %9s %9s %8s %8s %8s %9s %7s %9s %9s  %s%n", "step",
                "sent", "ok", "ok/s", "img/s", "p50 ms", "p90 ms", "p99 ms", "outside50", "errors", "mean bat",
                "queue ms", "outcomes"));
        for (StepResult s : steps) {
            ServerSideFigures f = s.server();
            sb.append(String.format(Locale.ROOT, "%-16s %7d %7d %9.1f %9.1f %8.2f %8.2f %8.2f %9s %7d %9s %9s  %s%n",
                    s.label(), s.sent(), s.ok(), s.okPerSecond(), s.okPerSecond() * imagesPerRequest,
                    s.latency().p50Ms(), s.latency().p90Ms(),
                    s.latency().p99Ms(), outside50(s), s.errors(), f == null ? "-" : num(f.meanBatch(), 2),
                    f == null ? "-" : num(f.queueMeanMs(), 2), outcomes(s.outcomes())));
        }
        return sb.toString();
    }

    /** The bare comparison in a few console lines. */
    public static String comparisonText(BareComparison.Result c) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "server vs bare detector at concurrency 1 (%d alternating rounds):%n", c.rounds()));
        sb.append(String.format(Locale.ROOT, "  %-34s p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  mean %7.2f ms%n",
                "server (HTTP, client-side)", c.server().p50Ms(), c.server().p90Ms(), c.server().p99Ms(),
                c.server().meanMs()));
        sb.append(String.format(Locale.ROOT, "  %-34s p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  mean %7.2f ms%n",
                "bare detector (in-process)", c.bare().p50Ms(), c.bare().p90Ms(), c.bare().p99Ms(),
                c.bare().meanMs()));
        sb.append(String.format(Locale.ROOT, "  overhead: p50 %+.2f ms, mean %+.2f ms", c.overheadP50Ms(),
                c.overheadMeanMs()));
        if (c.outsideDetector() != null) {
            sb.append(String.format(Locale.ROOT, "; outside the detector per request: p50 %.2f ms, p90 %.2f ms",
                    c.outsideDetector().p50Ms(), c.outsideDetector().p90Ms()));
        }
        sb.append(String.format("%n"));
        if (c.failure() != null) {
            sb.append("  stopped early: ").append(c.failure()).append(String.format("%n"));
        }
        return sb.toString();
    }

    /** Writes {@code loadgen.md} and {@code loadgen.json} into {@code dir}; {@code comparison} may be null. */
    public static List<Path> write(LoadgenSettings settings, List<StepResult> steps,
            BareComparison.Result comparison, List<Double> loadBefore, List<Double> loadAfter, Path dir)
            throws PeregrineException {
        try {
            Files.createDirectories(dir);
            Path md = dir.resolve("loadgen.md");
            String text = markdown(settings, steps, loadBefore, loadAfter);
            if (comparison != null) {
                text += "\n## Server against the bare detector at concurrency 1\n\n```\n" + comparisonText(comparison)
                        + "```\n";
            }
            Files.writeString(md, text, StandardCharsets.UTF_8);
            Path json = dir.resolve("loadgen.json");
            ObjectNode root = json(settings, steps, loadBefore, loadAfter);
            if (comparison != null) {
                comparisonJson(root.putObject("bare_comparison"), comparison);
            }
            JSON.writeValue(json.toFile(), root);
            return List.of(md, json);
        } catch (IOException e) {
            throw PeregrineException.badInput("cannot write loadgen results into " + dir + ": " + e.getMessage());
        }
    }

    static String markdown(LoadgenSettings settings, List<StepResult> steps, List<Double> loadBefore,
            List<Double> loadAfter) {
        StringBuilder sb = new StringBuilder("# Peregrine load test\n\n");
        sb.append("- Target: `").append(settings.target()).append("`\n");
        sb.append("- Protocol: ").append(settings.protocol().cliName()).append(settings.protocol().sendsTensors()
                ? ", " + settings.batch() + " image(s) per request as an FP32 tensor, preprocessed by the client"
                : ", one encoded image per request").append("\n");
        sb.append("- Command: `").append(settings.commandLine()).append("`\n");
        sb.append("- Load average before/after: ").append(loadBefore).append(" / ").append(loadAfter).append("\n");
        sb.append("- Warm-up per closed-loop step: ").append(settings.warmup().toMillis() / 1000.0)
                .append(" s (not counted)\n");
        if (settings.protocol() == Protocol.DETECT) {
            sb.append("- *Outside detector*: each answer's latency less the detector time the server reported for "
                    + "it (preprocess + inference): HTTP, JSON, queueing and thread hand-overs.\n");
        }
        sb.append("\n");
        sb.append("| step | sent | ok | ok/s | img/s | p50 ms | p90 ms | p99 ms | outside detector p50 / p90 ms "
                + "| errors | outcomes | server batches (size: count) | mean batch | queue mean ms | queue p50 ≤ ms "
                + "| queue p99 ≤ ms |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|\n");
        for (StepResult s : steps) {
            ServerSideFigures f = s.server();
            sb.append("| ").append(s.label()).append(" | ").append(s.sent()).append(" | ").append(s.ok())
                    .append(" | ").append(num(s.okPerSecond(), 1)).append(" | ")
                    .append(num(s.okPerSecond() * settings.batch(), 1)).append(" | ")
                    .append(num(s.latency().p50Ms(), 2))
                    .append(" | ").append(num(s.latency().p90Ms(), 2)).append(" | ")
                    .append(num(s.latency().p99Ms(), 2)).append(" | ").append(outside(s)).append(" | ")
                    .append(s.errors()).append(" | ")
                    .append(outcomes(s.outcomes())).append(" | ")
                    .append(f == null ? s.note() : sizes(f.batchSizes())).append(" | ")
                    .append(f == null ? "–" : num(f.meanBatch(), 2)).append(" | ")
                    .append(f == null ? "–" : num(f.queueMeanMs(), 2)).append(" | ")
                    .append(f == null ? "–" : num(f.queueP50MaxMs(), 1)).append(" | ")
                    .append(f == null ? "–" : num(f.queueP99MaxMs(), 1)).append(" |\n");
        }
        return sb.toString();
    }

    static ObjectNode json(LoadgenSettings settings, List<StepResult> steps, List<Double> loadBefore,
            List<Double> loadAfter) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", "peregrine-loadgen/1");
        root.put("target", settings.target());
        root.put("protocol", settings.protocol().cliName());
        root.put("images_per_request", settings.batch());
        root.put("command", settings.commandLine());
        root.put("warmup_s", settings.warmup().toMillis() / 1000.0);
        loadBefore.forEach(root.putArray("load_average_before")::add);
        loadAfter.forEach(root.putArray("load_average_after")::add);
        ArrayNode arr = root.putArray("steps");
        for (StepResult s : steps) {
            ObjectNode o = arr.addObject();
            o.put("label", s.label());
            o.put("concurrency", s.concurrency());
            put(o, "rate", s.rate());
            o.put("sent", s.sent());
            o.put("ok", s.ok());
            put(o, "seconds", s.seconds());
            put(o, "ok_per_s", s.okPerSecond());
            put(o, "images_per_s", s.okPerSecond() * settings.batch());
            latency(o.putObject("latency_ms"), s.latency());
            if (s.outsideDetector() == null) {
                o.putNull("outside_detector_ms");
            } else {
                latency(o.putObject("outside_detector_ms"), s.outsideDetector());
            }
            ObjectNode outcomes = o.putObject("outcomes");
            s.outcomes().forEach(outcomes::put);
            if (s.server() == null) {
                o.putNull("server");
            } else {
                ServerSideFigures f = s.server();
                ObjectNode srv = o.putObject("server");
                ObjectNode sizes = srv.putObject("batch_sizes");
                f.batchSizes().forEach((k, v) -> sizes.put(Integer.toString(k), v));
                srv.put("batches", f.batches());
                put(srv, "mean_batch", f.meanBatch());
                put(srv, "queue_mean_ms", f.queueMeanMs());
                put(srv, "queue_p50_max_ms", f.queueP50MaxMs());
                put(srv, "queue_p99_max_ms", f.queueP99MaxMs());
                ObjectNode req = srv.putObject("requests");
                f.requests().forEach(req::put);
            }
            o.put("note", s.note());
        }
        return root;
    }

    private static void comparisonJson(ObjectNode o, BareComparison.Result c) {
        o.put("rounds", c.rounds());
        latency(o.putObject("server_ms"), c.server());
        latency(o.putObject("bare_ms"), c.bare());
        put(o, "overhead_p50_ms", c.overheadP50Ms());
        put(o, "overhead_mean_ms", c.overheadMeanMs());
        if (c.outsideDetector() == null) {
            o.putNull("outside_detector_ms");
        } else {
            latency(o.putObject("outside_detector_ms"), c.outsideDetector());
        }
        if (c.failure() == null) {
            o.putNull("failure");
        } else {
            o.put("failure", c.failure());
        }
    }

    private static void latency(ObjectNode o, LatencyStats s) {
        o.put("count", s.count());
        put(o, "p50", s.p50Ms());
        put(o, "p90", s.p90Ms());
        put(o, "p99", s.p99Ms());
        put(o, "mean", s.meanMs());
    }

    private static String outside50(StepResult s) {
        return s.outsideDetector() == null ? "-" : num(s.outsideDetector().p50Ms(), 2);
    }

    private static String outside(StepResult s) {
        return s.outsideDetector() == null ? "–"
                : num(s.outsideDetector().p50Ms(), 2) + " / " + num(s.outsideDetector().p90Ms(), 2);
    }

    private static void put(ObjectNode o, String key, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            o.putNull(key);
        } else {
            o.put(key, v);
        }
    }

    private static String outcomes(Map<String, Long> m) {
        return m.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + "×" + e.getValue())
                .collect(Collectors.joining(" "));
    }

    private static String sizes(Map<Integer, Long> m) {
        if (m.isEmpty()) {
            return "none";
        }
        return m.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String num(double v, int decimals) {
        return Double.isNaN(v) ? "–" : Double.isInfinite(v) ? "∞"
                : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
