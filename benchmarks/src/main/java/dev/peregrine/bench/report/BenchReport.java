package dev.peregrine.bench.report;

import java.util.List;

/**
 * Everything one {@code peregrine bench} run produced; the writers turn it into {@code report.md},
 * {@code results.csv}, {@code results.json} and charts.
 *
 * @param info        machine, versions and settings
 * @param rows        format x batch results, skipped formats included
 * @param comparisons baselines (bare ONNX Runtime) and peer (DJL) measurements
 * @param agreements  detection agreement with Ultralytics' reference predictions
 * @param jmh         JMH results fed in with {@code --jmh}
 * @param notes       free-form remarks (what was adjusted, what is missing)
 */
public record BenchReport(RunInfo info, List<BenchRow> rows, List<ComparisonRow> comparisons,
        List<Agreement> agreements, List<JmhResult> jmh, List<String> notes) {

    public BenchReport {
        rows = List.copyOf(rows);
        comparisons = List.copyOf(comparisons);
        agreements = List.copyOf(agreements);
        jmh = List.copyOf(jmh);
        notes = List.copyOf(notes);
    }
}
