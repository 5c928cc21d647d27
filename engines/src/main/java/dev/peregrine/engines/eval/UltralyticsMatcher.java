package dev.peregrine.engines.eval;

import java.util.Arrays;
import java.util.List;

/**
 * Ultralytics' {@code match_predictions} for boxes: decides, at each of the 10 IoU thresholds 0.50:0.05:0.95,
 * which predictions of one image are true positives.
 *
 * <p>The rules reproduce Ultralytics exactly, quirks included: IoU is computed in float32 with an epsilon of
 * 1e-7, a prediction may only match a label of its own class, each prediction takes the label it overlaps most,
 * and when several predictions claim the same label the one listed first (highest confidence, since predictions
 * are sorted) wins, even if a later one overlaps it more.
 */
final class UltralyticsMatcher {
    /** The 10 IoU thresholds, as float32 like Ultralytics' {@code torch.linspace(0.5, 0.95, 10)}. */
    static final float[] IOU_THRESHOLDS = thresholds();

    private UltralyticsMatcher() {
    }

    private static float[] thresholds() {
        float[] t = new float[10];
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) (0.5 + 0.05 * i);
        }
        return t;
    }

    /**
     * Marks the correct predictions.
     *
     * @param predictions predictions of one image, sorted by descending score
     * @param labels      the image's labels (crowd regions excluded)
     * @return {@code correct[prediction][threshold]}
     */
    static boolean[][] match(List<Prediction> predictions, List<GroundTruth> labels) {
        int n = predictions.size();
        int m = labels.size();
        boolean[][] correct = new boolean[n][IOU_THRESHOLDS.length];
        if (n == 0 || m == 0) {
            return correct;
        }
        float[][] iou = new float[m][n];
        for (int i = 0; i < m; i++) {
            GroundTruth g = labels.get(i);
            for (int j = 0; j < n; j++) {
                Prediction p = predictions.get(j);
                iou[i][j] = p.classId() == g.classId() ? iou(g, p) : 0f;
            }
        }
        int[] bestLabel = new int[n];
        int[] winner = new int[m];
        for (int t = 0; t < IOU_THRESHOLDS.length; t++) {
            float thr = IOU_THRESHOLDS[t];
            // each prediction claims the label it overlaps most at or above the threshold
            for (int j = 0; j < n; j++) {
                int best = -1;
                for (int i = 0; i < m; i++) {
                    if (iou[i][j] >= thr && (best < 0 || iou[i][j] > iou[best][j])) {
                        best = i;
                    }
                }
                bestLabel[j] = best;
            }
            // each label goes to the first prediction (in score order) that claimed it
            Arrays.fill(winner, -1);
            for (int j = 0; j < n; j++) {
                int i = bestLabel[j];
                if (i >= 0 && winner[i] < 0) {
                    winner[i] = j;
                }
            }
            for (int w : winner) {
                if (w >= 0) {
                    correct[w][t] = true;
                }
            }
        }
        return correct;
    }

    /** Ultralytics {@code box_iou} of one label and one prediction, in float32. */
    static float iou(GroundTruth g, Prediction p) {
        float ax1 = (float) g.x1();
        float ay1 = (float) g.y1();
        float ax2 = (float) g.x2();
        float ay2 = (float) g.y2();
        float bx1 = (float) p.x1();
        float by1 = (float) p.y1();
        float bx2 = (float) p.x2();
        float by2 = (float) p.y2();
        float iw = Math.max(Math.min(ax2, bx2) - Math.max(ax1, bx1), 0f);
        float ih = Math.max(Math.min(ay2, by2) - Math.max(ay1, by1), 0f);
        float inter = iw * ih;
        float union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter + 1e-7f;
        return inter / union;
    }
}
