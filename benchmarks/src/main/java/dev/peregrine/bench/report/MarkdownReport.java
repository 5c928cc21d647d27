package dev.peregrine.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes {@code report.md}: run information, the format x batch table, skipped formats with their reasons, the
 * baseline/peer comparison with its ratios, agreement with Ultralytics, JMH results and the chart links.
 */
public final class MarkdownReport {
    /** JMH parameters naming input files: listed once under the table instead of in every row. */
    private static final java.util.Set<String> INPUT_PARAMS = java.util.Set.of("image", "model");

    private MarkdownReport() {
    }

    /**
     * Writes the report to {@code file}.
     *
     * @param charts chart file names (relative to the report) to link, in order
     */
    public static void write(BenchReport report, List<String> charts, Path file) throws IOException {
        Files.writeString(file, render(report, charts), StandardCharsets.UTF_8);
    }

    /** The report as Markdown text. */
    public static String render(BenchReport report, List<String> charts) {
        StringBuilder sb = new StringBuilder();
        RunInfo info = report.info();
        sb.append("# Peregrine benchmark\n\n");
        sb.append("- Model: `").append(info.model()).append("` on `").append(info.device()).append("`\n");
        sb.append("- Started: ").append(info.started()).append('\n');
        sb.append("- Machine: ").append(info.cpu()).append(", ").append(info.cores()).append(" cores available")
                .append('\n');
        sb.append("- Load average (1/5/15 min): before ").append(load(info.loadBefore())).append(", after ")
                .append(load(info.loadAfter())).append('\n');
        if (!info.versions().isEmpty()) {
            sb.append("- Versions: ").append(joined(info.versions())).append('\n');
        }
        if (!info.settings().isEmpty()) {
            sb.append("- Settings: ").append(joined(info.settings())).append('\n');
        }
        sb.append("- Command: `").append(info.command()).append("`\n\n");

        if (!report.rows().isEmpty()) {
            resultsTable(sb, report.rows());
            skipped(sb, report.rows());
        }
        if (!report.comparisons().isEmpty()) {
            comparisons(sb, report.comparisons());
        }
        if (!report.agreements().isEmpty()) {
            agreements(sb, report.agreements());
        }
        if (!report.jmh().isEmpty()) {
            jmh(sb, report.jmh());
        }
        if (!charts.isEmpty()) {
            sb.append("## Charts\n\n");
            for (String c : charts) {
                sb.append("![").append(c).append("](").append(c).append(")\n\n");
            }
        }
        if (!report.notes().isEmpty()) {
            sb.append("## Notes\n\n");
            for (String n : report.notes()) {
                sb.append("- ").append(n).append('\n');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static void resultsTable(StringBuilder sb, List<BenchRow> rows) {
        sb.append("## Throughput and latency by format and batch\n\n");
        if (rows.stream().noneMatch(r -> r.status() == RowStatus.OK)) {
            sb.append("Nothing was measured (see below).\n\n");
            return;
        }
        sb.append("End to end: encoded image bytes in memory → decode → letterbox → tensor → engine → decode + NMS "
                + "→ boxes in original-image pixels, one thread; formats alternate in rounds at each batch size. Latency "
                + "is per batch call. RAM Δ / GPU Δ: growth of RssAnon / GPU memory of a fresh JVM from before "
                + "opening the model to after three batches of the largest size.\n\n");
        sb.append("| format | batch | images/s | p50 ms | p90 ms | p99 ms | decode ms/img | letterbox ms/img "
                + "| infer+NMS ms/img | file MiB | load ms | RAM Δ MiB | GPU Δ MiB | mAP50 | mAP50-95 |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (BenchRow r : rows) {
            if (r.status() != RowStatus.OK) {
                continue; // listed under "Not measured"
            }
            sb.append("| ").append(r.format()).append(" | ").append(r.batch()).append(" | ")
                    .append(Cells.num(r.imagesPerSecond(), 1)).append(" | ")
                    .append(Cells.num(r.latency().p50Ms(), 2)).append(" | ")
                    .append(Cells.num(r.latency().p90Ms(), 2)).append(" | ")
                    .append(Cells.num(r.latency().p99Ms(), 2)).append(" | ")
                    .append(Cells.num(r.stages().decodeMs(), 2)).append(" | ")
                    .append(Cells.num(r.stages().letterboxMs(), 2)).append(" | ")
                    .append(Cells.num(r.stages().inferMs(), 2)).append(" | ")
                    .append(Cells.md(Cells.mib(r.fileBytes()))).append(" | ")
                    .append(Cells.md(Cells.num(r.loadMillis(), 0))).append(" | ")
                    .append(Cells.md(Cells.mib(r.ramDeltaBytes()))).append(" | ")
                    .append(Cells.md(Cells.mib(r.gpuBytes()))).append(" | ")
                    .append(Cells.md(Cells.num(r.map50(), 4))).append(" | ")
                    .append(Cells.md(Cells.num(r.map5095(), 4))).append(" |\n");
        }
        sb.append('\n');
    }

    /** Rows that were not measured, grouped by format, status and reason. */
    private record NotRun(String format, RowStatus status, String reason) {
    }

    /** One line per format, status and reason, listing the batches it applies to. */
    private static void skipped(StringBuilder sb, List<BenchRow> rows) {
        Map<NotRun, List<Integer>> batches = new LinkedHashMap<>();
        for (BenchRow r : rows) {
            if (r.status() != RowStatus.OK) {
                batches.computeIfAbsent(new NotRun(r.format(), r.status(), r.reason()), k -> new ArrayList<>())
                        .add(r.batch());
            }
        }
        if (batches.isEmpty()) {
            return;
        }
        sb.append("### Not measured\n\n");
        batches.forEach((k, v) -> sb.append("- **").append(k.format()).append("** (")
                .append(k.status().name().toLowerCase(Locale.ROOT)).append(", batch ")
                .append(v.stream().map(String::valueOf).collect(Collectors.joining(", "))).append("): ")
                .append(k.reason()).append('\n'));
        sb.append('\n');
    }

    private static void comparisons(StringBuilder sb, List<ComparisonRow> rows) {
        sb.append("## Baseline and peer comparison\n\n");
        sb.append("Same model file, same images, same machine, one thread calling. \"model run\" rows time only the "
                + "inference call on a tensor prepared once.\n\n");
        sb.append("| subject | variant | stage | batch | images/s | p50 ms | p90 ms | p99 ms | status |\n");
        sb.append("|---|---|---|---:|---:|---:|---:|---:|---|\n");
        for (ComparisonRow c : rows) {
            sb.append("| ").append(c.subject()).append(" | ").append(Cells.md(c.variant())).append(" | ")
                    .append(c.stage().label()).append(" | ").append(c.batch()).append(" | ")
                    .append(Cells.md(Cells.num(c.imagesPerSecond(), 1))).append(" | ")
                    .append(Cells.md(Cells.num(c.latency().p50Ms(), 2))).append(" | ")
                    .append(Cells.md(Cells.num(c.latency().p90Ms(), 2))).append(" | ")
                    .append(Cells.md(Cells.num(c.latency().p99Ms(), 2))).append(" | ")
                    .append(c.ok() ? "ok" : Cells.md(c.status().name().toLowerCase(Locale.ROOT) + ": " + c.reason()))
                    .append(" |\n");
        }
        sb.append('\n');
        List<Ratio> ratios = Ratios.of(rows);
        if (!ratios.isEmpty()) {
            sb.append("### Ratios\n\n");
            sb.append("| comparison | ratio | target | figures |\n|---|---:|---|---|\n");
            for (Ratio r : ratios) {
                sb.append("| ").append(Cells.md(r.name())).append(" | ").append(Cells.num(r.value(), 2))
                        .append(" | ").append(Double.isNaN(r.target()) ? "–"
                                : "≥ " + Cells.num(r.target(), 2) + (r.meetsTarget() ? " (met)" : " (not met)"))
                        .append(" | ").append(Cells.md(r.detail())).append(" |\n");
            }
            sb.append('\n');
        }
    }

    private static void agreements(StringBuilder sb, List<Agreement> rows) {
        sb.append("## Agreement with Ultralytics' predictions\n\n");
        sb.append("A reference box counts as matched by a box of the same class with IoU ≥ 0.95 and |Δscore| ≤ "
                + "0.02.\n\n");
        sb.append("| subject | images | reference boxes | boxes | matched | identical | note |\n");
        sb.append("|---|---:|---:|---:|---:|---|---|\n");
        for (Agreement a : rows) {
            sb.append("| ").append(Cells.md(a.subject())).append(" | ").append(a.images()).append(" | ")
                    .append(a.referenceDetections()).append(" | ").append(a.detections()).append(" | ")
                    .append(a.matched()).append(" | ").append(a.identical() ? "yes" : "no").append(" | ")
                    .append(Cells.md(a.note())).append(" |\n");
        }
        sb.append('\n');
    }

    private static void jmh(StringBuilder sb, List<JmhResult> rows) {
        sb.append("## JMH microbenchmarks\n\n");
        sb.append("| benchmark | params | mode | score | ± error | unit |\n|---|---|---|---:|---:|---|\n");
        for (JmhResult j : rows) {
            String name = j.benchmark().substring(j.benchmark().lastIndexOf('.', j.benchmark().lastIndexOf('.') - 1)
                    + 1);
            String params = j.params().entrySet().stream().filter(e -> !INPUT_PARAMS.contains(e.getKey()))
                    .sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
            sb.append("| ").append(Cells.md(name)).append(" | ").append(Cells.md(params)).append(" | ")
                    .append(j.mode()).append(" | ").append(Cells.num(j.score(), 3)).append(" | ")
                    .append(Cells.md(Cells.num(j.error(), 3))).append(" | ").append(j.unit()).append(" |\n");
        }
        String inputs = rows.stream().flatMap(j -> j.params().entrySet().stream())
                .filter(e -> INPUT_PARAMS.contains(e.getKey())).map(e -> e.getKey() + " `" + e.getValue() + "`")
                .distinct().sorted().collect(Collectors.joining(", "));
        if (!inputs.isEmpty()) {
            sb.append("\nInputs: ").append(inputs).append('\n');
        }
        sb.append('\n');
    }

    private static String load(List<Double> l) {
        if (l.isEmpty()) {
            return "unknown";
        }
        return l.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).collect(Collectors.joining(" / "));
    }

    private static String joined(Map<String, String> map) {
        return map.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
}
