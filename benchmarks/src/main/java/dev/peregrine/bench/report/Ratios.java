package dev.peregrine.bench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Derives the headline ratios from the comparison rows: Peregrine against the bare ONNX Runtime call (target
 * >= 0.90 at batch 1) and Peregrine against DJL (target >= 1.3 x throughput), at batch 1 and at each side's best
 * batch, for each stage both measured.
 */
public final class Ratios {
    /** Peregrine end-to-end throughput should reach this share of the bare {@code session.run} at batch 1. */
    public static final double ORT_TARGET = 0.90;
    /** Peregrine throughput should be at least this multiple of DJL's. */
    public static final double DJL_TARGET = 1.3;

    private Ratios() {
    }

    /** All ratios that the rows allow, in a stable order. */
    public static List<Ratio> of(List<ComparisonRow> rows) {
        List<Ratio> out = new ArrayList<>();
        Optional<ComparisonRow> bare1 = find(rows, "onnxruntime", Stage.MODEL_RUN, 1);
        for (Stage stage : List.of(Stage.END_TO_END, Stage.PRE_AND_RUN)) {
            Optional<ComparisonRow> ours1 = find(rows, "peregrine", stage, 1);
            if (bare1.isPresent() && ours1.isPresent()) {
                out.add(new Ratio("peregrine " + stage.label() + " / onnxruntime session.run, batch 1",
                        ours1.get().imagesPerSecond() / bare1.get().imagesPerSecond(),
                        stage == Stage.END_TO_END ? ORT_TARGET : Double.NaN,
                        String.format(Locale.ROOT, "%.1f vs %.1f images/s", ours1.get().imagesPerSecond(),
                                bare1.get().imagesPerSecond())));
            }
        }
        for (ComparisonRow djl : distinctPeerVariants(rows)) {
            Stage stage = djl.stage();
            String what = "peregrine/djl [" + djl.variant() + "], " + stage.label();
            Optional<ComparisonRow> ours1 = find(rows, "peregrine", stage, 1);
            Optional<ComparisonRow> djl1 = find(rows, "djl", djl.variant(), stage, 1);
            if (ours1.isPresent() && djl1.isPresent()) {
                out.add(throughput(what + ", batch 1", ours1.get(), djl1.get()));
                out.add(new Ratio(what + ", p50 latency, batch 1 (lower is better)",
                        ours1.get().latency().p50Ms() / djl1.get().latency().p50Ms(), Double.NaN,
                        String.format(Locale.ROOT, "%.2f vs %.2f ms", ours1.get().latency().p50Ms(),
                                djl1.get().latency().p50Ms())));
            }
            Optional<ComparisonRow> oursBest = best(rows, "peregrine", null, stage);
            Optional<ComparisonRow> djlBest = best(rows, "djl", djl.variant(), stage);
            if (oursBest.isPresent() && djlBest.isPresent()) {
                out.add(throughput(what + ", best batch (ours " + oursBest.get().batch() + ", djl "
                        + djlBest.get().batch() + ")", oursBest.get(), djlBest.get()));
            }
        }
        return out;
    }

    private static Ratio throughput(String name, ComparisonRow ours, ComparisonRow djl) {
        return new Ratio(name + ", throughput", ours.imagesPerSecond() / djl.imagesPerSecond(), DJL_TARGET,
                String.format(Locale.ROOT, "%.1f vs %.1f images/s", ours.imagesPerSecond(), djl.imagesPerSecond()));
    }

    private static List<ComparisonRow> distinctPeerVariants(List<ComparisonRow> rows) {
        List<ComparisonRow> out = new ArrayList<>();
        for (ComparisonRow r : rows) {
            if (r.subject().equals("djl") && r.ok() && out.stream().noneMatch(
                    o -> o.variant().equals(r.variant()) && o.stage() == r.stage())) {
                out.add(r);
            }
        }
        return out;
    }

    private static Optional<ComparisonRow> find(List<ComparisonRow> rows, String subject, Stage stage, int batch) {
        return rows.stream().filter(r -> r.ok() && r.subject().equals(subject) && r.stage() == stage
                && r.batch() == batch).findFirst();
    }

    private static Optional<ComparisonRow> find(List<ComparisonRow> rows, String subject, String variant,
            Stage stage, int batch) {
        return rows.stream().filter(r -> r.ok() && r.subject().equals(subject) && r.variant().equals(variant)
                && r.stage() == stage && r.batch() == batch).findFirst();
    }

    private static Optional<ComparisonRow> best(List<ComparisonRow> rows, String subject, String variant,
            Stage stage) {
        return rows.stream().filter(r -> r.ok() && r.subject().equals(subject) && r.stage() == stage
                && (variant == null || r.variant().equals(variant)))
                .max(Comparator.comparingDouble(ComparisonRow::imagesPerSecond));
    }
}
