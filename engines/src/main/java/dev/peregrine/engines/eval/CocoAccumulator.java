package dev.peregrine.engines.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * pycocotools' bbox evaluation ({@code COCOeval.evaluateImg} per image and category, then {@code accumulate} and
 * {@code summarize}) for the default parameters, fed one image at a time.
 *
 * <p>Per image and category: detections sorted by score (stable) and cut to 100; labels with the crowd flag or
 * outside the area range are "ignored" and sorted last; at each IoU threshold every detection, best first, takes
 * the unmatched label with the highest IoU at or above the threshold (crowd labels may be reused, and a
 * detection stops looking once it holds a regular label and only ignored ones remain); detections matched to
 * ignored labels, and unmatched detections outside the area range, are ignored. Accumulation concatenates the
 * images in the order they were added, sorts by score (stable), and samples the envelope-smoothed precision at
 * the first detection reaching each of 101 recall points.
 */
final class CocoAccumulator {
    /** pycocotools' {@code iouThrs}: {@code np.linspace(.5, .95, 10)}. */
    static final double[] IOU_THRESHOLDS = linspace(0.5, 0.95, 10);
    /** {@code recThrs}: 0 to 1 in 101 steps. */
    static final double[] RECALL_THRESHOLDS = linspace(0.0, 1.0, 101);
    static final int MAX_DETS = 100;
    /** Area ranges all, small, medium, large. */
    static final double[][] AREA_RANGES = {{0, 1e10}, {0, 32 * 32}, {32 * 32, 96 * 96}, {96 * 96, 1e10}};

    private static final int T = IOU_THRESHOLDS.length;
    private static final int A = AREA_RANGES.length;

    private final List<String> names;
    /** Per class and area range: the evaluated (image, class) entries in the order images were added. */
    private final List<List<List<ImageResult>>> results = new ArrayList<>();

    /** Result of evaluateImg for one image, class and area range. */
    private record ImageResult(double[] scores, boolean[][] matched, boolean[][] ignored, int regularLabels) {
    }

    CocoAccumulator(List<String> names) {
        this.names = List.copyOf(names);
        for (int k = 0; k < names.size(); k++) {
            List<List<ImageResult>> perArea = new ArrayList<>();
            for (int a = 0; a < A; a++) {
                perArea.add(new ArrayList<>());
            }
            results.add(perArea);
        }
    }

    private static double[] linspace(double start, double stop, int num) {
        double[] y = new double[num];
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            y[i] = i * step + start;
        }
        y[num - 1] = stop;
        return y;
    }

    /** Evaluates one image (all classes, all area ranges). Predictions of unknown classes are ignored. */
    void add(List<GroundTruth> labels, List<Prediction> predictions) {
        for (int k = 0; k < names.size(); k++) {
            final int cls = k;
            List<GroundTruth> gt = labels.stream().filter(g -> g.classId() == cls).toList();
            List<Prediction> dt = new ArrayList<>(predictions.stream().filter(p -> p.classId() == cls).toList());
            if (gt.isEmpty() && dt.isEmpty()) {
                continue;
            }
            dt.sort((a, b) -> Double.compare(b.score(), a.score())); // stable, as mergesort
            if (dt.size() > MAX_DETS) {
                dt = dt.subList(0, MAX_DETS);
            }
            double[][] ious = ious(dt, gt);
            for (int a = 0; a < A; a++) {
                results.get(k).get(a).add(evaluate(dt, gt, ious, AREA_RANGES[a]));
            }
        }
    }

    /** pycocotools {@code maskUtils.iou} for boxes: crowd labels divide by the detection's area only. */
    private static double[][] ious(List<Prediction> dt, List<GroundTruth> gt) {
        double[][] o = new double[dt.size()][gt.size()];
        for (int d = 0; d < dt.size(); d++) {
            Prediction p = dt.get(d);
            double dw = p.x2() - p.x1();
            double dh = p.y2() - p.y1();
            double da = dw * dh;
            for (int g = 0; g < gt.size(); g++) {
                GroundTruth q = gt.get(g);
                double gw = q.x2() - q.x1();
                double gh = q.y2() - q.y1();
                double w = Math.min(p.x1() + dw, q.x1() + gw) - Math.max(p.x1(), q.x1());
                if (w <= 0) {
                    continue;
                }
                double h = Math.min(p.y1() + dh, q.y1() + gh) - Math.max(p.y1(), q.y1());
                if (h <= 0) {
                    continue;
                }
                double i = w * h;
                double u = q.crowd() ? da : da + gw * gh - i;
                o[d][g] = i / u;
            }
        }
        return o;
    }

    private static ImageResult evaluate(List<Prediction> dt, List<GroundTruth> gtIn, double[][] iousIn,
                                        double[] range) {
        int g0 = gtIn.size();
        // regular labels first, ignored ones last (stable)
        Integer[] gtOrder = new Integer[g0];
        boolean[] ignoreIn = new boolean[g0];
        for (int g = 0; g < g0; g++) {
            GroundTruth q = gtIn.get(g);
            ignoreIn[g] = q.crowd() || q.area() < range[0] || q.area() > range[1];
            gtOrder[g] = g;
        }
        Arrays.sort(gtOrder, (a, b) -> Boolean.compare(ignoreIn[a], ignoreIn[b]));
        boolean[] gtIg = new boolean[g0];
        boolean[] crowd = new boolean[g0];
        int regular = 0;
        for (int g = 0; g < g0; g++) {
            gtIg[g] = ignoreIn[gtOrder[g]];
            crowd[g] = gtIn.get(gtOrder[g]).crowd();
            if (!gtIg[g]) {
                regular++;
            }
        }
        int d0 = dt.size();
        boolean[][] dtm = new boolean[T][d0];
        boolean[][] dtIg = new boolean[T][d0];
        boolean[] gtm = new boolean[g0];
        for (int t = 0; t < T; t++) {
            Arrays.fill(gtm, false);
            for (int d = 0; d < d0; d++) {
                double best = Math.min(IOU_THRESHOLDS[t], 1 - 1e-10);
                int m = -1;
                for (int g = 0; g < g0; g++) {
                    if (gtm[g] && !crowd[g]) {
                        continue;
                    }
                    if (m > -1 && !gtIg[m] && gtIg[g]) {
                        break;
                    }
                    double iou = iousIn[d][gtOrder[g]];
                    if (iou < best) {
                        continue;
                    }
                    best = iou;
                    m = g;
                }
                if (m == -1) {
                    continue;
                }
                dtIg[t][d] = gtIg[m];
                dtm[t][d] = true;
                gtm[m] = true;
            }
        }
        double[] scores = new double[d0];
        for (int d = 0; d < d0; d++) {
            Prediction p = dt.get(d);
            scores[d] = p.score();
            double area = (p.x2() - p.x1()) * (p.y2() - p.y1());
            boolean outside = area < range[0] || area > range[1];
            for (int t = 0; t < T; t++) {
                if (!dtm[t][d] && outside) {
                    dtIg[t][d] = true;
                }
            }
        }
        return new ImageResult(scores, dtm, dtIg, regular);
    }

    /**
     * Accumulates: {@code precision[t][r][k][a]} and {@code recall[t][k][a]}, -1 where the category has no
     * regular labels in that area range.
     */
    CocoMetrics compute() {
        int kk = names.size();
        int r0 = RECALL_THRESHOLDS.length;
        double[][][][] precision = new double[T][r0][kk][A];
        double[][][] recall = new double[T][kk][A];
        for (double[][][] a : precision) {
            for (double[][] b : a) {
                for (double[] c : b) {
                    Arrays.fill(c, -1);
                }
            }
        }
        for (double[][] a : recall) {
            for (double[] b : a) {
                Arrays.fill(b, -1);
            }
        }
        for (int k = 0; k < kk; k++) {
            for (int a = 0; a < A; a++) {
                accumulate(results.get(k).get(a), k, a, precision, recall);
            }
        }
        List<CocoMetrics.CocoClassAp> perClass = new ArrayList<>();
        for (int k = 0; k < kk; k++) {
            double ap = mean(precision, recall, -1, k, 0, true);
            if (ap > -1) {
                perClass.add(new CocoMetrics.CocoClassAp(k, names.get(k), ap, mean(precision, recall, 0, k, 0, true)));
            }
        }
        return new CocoMetrics(
                mean(precision, recall, -1, -1, 0, true),
                mean(precision, recall, 0, -1, 0, true),
                mean(precision, recall, 5, -1, 0, true),
                mean(precision, recall, -1, -1, 1, true),
                mean(precision, recall, -1, -1, 2, true),
                mean(precision, recall, -1, -1, 3, true),
                mean(precision, recall, -1, -1, 0, false),
                perClass);
    }

    private static void accumulate(List<ImageResult> entries, int k, int a, double[][][][] precision,
                                   double[][][] recall) {
        if (entries.isEmpty()) {
            return;
        }
        int nd = 0;
        int npig = 0;
        for (ImageResult e : entries) {
            nd += e.scores().length;
            npig += e.regularLabels();
        }
        if (npig == 0) {
            return;
        }
        double[] scores = new double[nd];
        int[] owner = new int[nd];
        int[] pos = new int[nd];
        int c = 0;
        for (int i = 0; i < entries.size(); i++) {
            for (int d = 0; d < entries.get(i).scores().length; d++) {
                scores[c] = entries.get(i).scores()[d];
                owner[c] = i;
                pos[c] = d;
                c++;
            }
        }
        Integer[] order = new Integer[nd];
        for (int i = 0; i < nd; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(scores[y], scores[x])); // stable, as mergesort
        double[] rc = new double[nd];
        double[] pr = new double[nd];
        for (int t = 0; t < T; t++) {
            double tp = 0;
            double fp = 0;
            for (int i = 0; i < nd; i++) {
                ImageResult e = entries.get(owner[order[i]]);
                int d = pos[order[i]];
                boolean matched = e.matched()[t][d];
                boolean ignored = e.ignored()[t][d];
                if (matched && !ignored) {
                    tp++;
                } else if (!matched && !ignored) {
                    fp++;
                }
                rc[i] = tp / npig;
                pr[i] = tp / (fp + tp + Math.ulp(1.0));
            }
            recall[t][k][a] = nd > 0 ? rc[nd - 1] : 0;
            for (int i = nd - 1; i > 0; i--) {
                if (pr[i] > pr[i - 1]) {
                    pr[i - 1] = pr[i];
                }
            }
            for (int r = 0; r < RECALL_THRESHOLDS.length; r++) {
                int pi = searchLeft(rc, nd, RECALL_THRESHOLDS[r]);
                // beyond the last recall reached, pycocotools leaves precision 0
                precision[t][r][k][a] = pi < nd ? pr[pi] : 0;
            }
        }
    }

    /** {@code np.searchsorted(a, v, side='left')}: the first index with {@code a[i] >= v}. */
    private static int searchLeft(double[] a, int n, double v) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * pycocotools {@code _summarize}: mean of the entries above -1, for one IoU index ({@code t}, or -1 for all),
     * one class ({@code k}, or -1 for all) and one area range; -1 when nothing qualifies.
     */
    private static double mean(double[][][][] precision, double[][][] recall, int t, int k, int a, boolean ap) {
        double s = 0;
        long n = 0;
        for (int ti = 0; ti < T; ti++) {
            if (t >= 0 && ti != t) {
                continue;
            }
            for (int ki = 0; ki < recall[ti].length; ki++) {
                if (k >= 0 && ki != k) {
                    continue;
                }
                if (ap) {
                    for (int r = 0; r < RECALL_THRESHOLDS.length; r++) {
                        double v = precision[ti][r][ki][a];
                        if (v > -1) {
                            s += v;
                            n++;
                        }
                    }
                } else if (recall[ti][ki][a] > -1) {
                    s += recall[ti][ki][a];
                    n++;
                }
            }
        }
        return n == 0 ? -1 : s / n;
    }
}
