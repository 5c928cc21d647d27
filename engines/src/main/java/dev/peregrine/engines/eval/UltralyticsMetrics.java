package dev.peregrine.engines.eval;

import java.util.List;

/**
 * Detection metrics as Ultralytics {@code val} reports them (its {@code ap_per_class}): means over the classes
 * that have labels in the evaluated set.
 *
 * @param precision mean precision at the confidence of maximum mean F1 ({@code metrics/precision(B)})
 * @param recall    mean recall there ({@code metrics/recall(B)})
 * @param map50     mean AP at IoU 0.50
 * @param map75     mean AP at IoU 0.75
 * @param map       mean AP over IoU 0.50:0.95 ({@code metrics/mAP50-95(B)})
 * @param f1Conf    the confidence where the smoothed mean F1 peaks (P and R are read there)
 * @param classes   per-class figures, one per class with labels, in class order
 */
public record UltralyticsMetrics(double precision, double recall, double map50, double map75, double map,
                                 double f1Conf, List<ClassMetrics> classes) {

    public UltralyticsMetrics {
        classes = List.copyOf(classes);
    }

    /** Ultralytics' fitness: 0.1 mAP50 + 0.9 mAP50-95. */
    public double fitness() {
        return 0.1 * map50 + 0.9 * map;
    }
}
