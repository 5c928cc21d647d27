package dev.peregrine.engines.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects per-prediction match results image by image and computes Ultralytics' {@code ap_per_class}:
 * per-class precision/recall curves over all predictions sorted by confidence, AP per IoU threshold with
 * {@link Curves#computeAp}, and P/R at the confidence where the smoothed mean F1 over classes peaks.
 */
final class UltralyticsAccumulator {
    private static final int T = UltralyticsMatcher.IOU_THRESHOLDS.length;
    private static final double EPS = 1e-16;
    private static final int CURVE_POINTS = 1000;

    private final List<String> names;
    private final int[] instances;
    private final int[] imagesWithClass;
    // growable columns of (score, class, correct bits)
    private double[] scores = new double[1024];
    private int[] classes = new int[1024];
    private short[] correct = new short[1024];
    private int size;

    UltralyticsAccumulator(List<String> names) {
        this.names = List.copyOf(names);
        this.instances = new int[names.size()];
        this.imagesWithClass = new int[names.size()];
    }

    /** Adds one image: its labels and its predictions (any order; they are sorted by score here). */
    void add(List<GroundTruth> labels, List<Prediction> predictions) {
        List<GroundTruth> plain = labels.stream().filter(g -> !g.crowd()).toList();
        boolean[] seen = new boolean[instances.length];
        for (GroundTruth g : plain) {
            if (g.classId() < instances.length) {
                instances[g.classId()]++;
                if (!seen[g.classId()]) {
                    seen[g.classId()] = true;
                    imagesWithClass[g.classId()]++;
                }
            }
        }
        List<Prediction> sorted = new ArrayList<>(predictions);
        // stable, so equal scores keep the detector's order (NMS output order)
        sorted.sort((a, b) -> Double.compare(b.score(), a.score()));
        boolean[][] c = UltralyticsMatcher.match(sorted, plain);
        for (int j = 0; j < sorted.size(); j++) {
            ensure(size + 1);
            scores[size] = sorted.get(j).score();
            classes[size] = sorted.get(j).classId();
            short bits = 0;
            for (int t = 0; t < T; t++) {
                if (c[j][t]) {
                    bits |= (short) (1 << t);
                }
            }
            correct[size] = bits;
            size++;
        }
    }

    private void ensure(int n) {
        if (n > scores.length) {
            int cap = Math.max(n, scores.length * 2);
            scores = Arrays.copyOf(scores, cap);
            classes = Arrays.copyOf(classes, cap);
            correct = Arrays.copyOf(correct, cap);
        }
    }

    /** Computes the metrics over everything added so far. */
    UltralyticsMetrics compute() {
        // global order by descending confidence (np.argsort(-conf)); stable for reproducibility
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));

        List<Integer> present = new ArrayList<>();
        for (int k = 0; k < instances.length; k++) {
            if (instances[k] > 0) {
                present.add(k);
            }
        }
        int nc = present.size();
        double[] x = Curves.linspace01(CURVE_POINTS);
        double[][] pCurve = new double[nc][CURVE_POINTS];
        double[][] rCurve = new double[nc][CURVE_POINTS];
        double[][] ap = new double[nc][T];

        for (int ci = 0; ci < nc; ci++) {
            int cls = present.get(ci);
            int nl = instances[cls];
            int np = 0;
            for (int idx : order) {
                if (classes[idx] == cls) {
                    np++;
                }
            }
            if (np == 0) {
                continue;
            }
            double[] negConf = new double[np];
            double[][] recall = new double[T][np];
            double[][] precision = new double[T][np];
            int[] tpc = new int[T];
            int k = 0;
            for (int idx : order) {
                if (classes[idx] != cls) {
                    continue;
                }
                negConf[k] = -scores[idx];
                for (int t = 0; t < T; t++) {
                    if ((correct[idx] & (1 << t)) != 0) {
                        tpc[t]++;
                    }
                    int fpc = (k + 1) - tpc[t];
                    recall[t][k] = tpc[t] / (nl + EPS);
                    precision[t][k] = (double) tpc[t] / (tpc[t] + fpc);
                }
                k++;
            }
            for (int i = 0; i < CURVE_POINTS; i++) {
                rCurve[ci][i] = Curves.interp(-x[i], negConf, recall[0], np, 0.0, recall[0][np - 1]);
                pCurve[ci][i] = Curves.interp(-x[i], negConf, precision[0], np, 1.0, precision[0][np - 1]);
            }
            for (int t = 0; t < T; t++) {
                ap[ci][t] = Curves.computeAp(recall[t], precision[t], np);
            }
        }

        // P and R are read where the smoothed mean F1 over classes peaks
        double[] meanF1 = new double[CURVE_POINTS];
        for (int ci = 0; ci < nc; ci++) {
            for (int i = 0; i < CURVE_POINTS; i++) {
                double p = pCurve[ci][i];
                double r = rCurve[ci][i];
                meanF1[i] += 2 * p * r / (p + r + EPS);
            }
        }
        for (int i = 0; i < CURVE_POINTS && nc > 0; i++) {
            meanF1[i] /= nc;
        }
        int best = nc == 0 ? 0 : Curves.argmax(Curves.smooth(meanF1, 0.1));

        List<ClassMetrics> perClass = new ArrayList<>();
        double sp = 0;
        double sr = 0;
        double s50 = 0;
        double s75 = 0;
        double sAll = 0;
        for (int ci = 0; ci < nc; ci++) {
            int cls = present.get(ci);
            ClassMetrics cm = new ClassMetrics(cls, names.get(cls), imagesWithClass[cls], instances[cls],
                    pCurve[ci][best], rCurve[ci][best], ap[ci]);
            perClass.add(cm);
            sp += cm.precision();
            sr += cm.recall();
            s50 += cm.ap50();
            s75 += cm.ap75();
            sAll += cm.ap5095();
        }
        if (nc == 0) {
            return new UltralyticsMetrics(0, 0, 0, 0, 0, x[best], perClass);
        }
        return new UltralyticsMetrics(sp / nc, sr / nc, s50 / nc, s75 / nc, sAll / nc, x[best], perClass);
    }
}
