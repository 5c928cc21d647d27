package dev.peregrine.bench.run;

import dev.peregrine.engines.Detection;
import java.util.List;

/**
 * Matches detections against reference boxes one to one: a reference box takes the unused detection of the same
 * class, with a score within the tolerance, that overlaps it most, if that IoU reaches the threshold.
 */
public final class DetectionMatcher {
    /** IoU a matched pair must reach (the fixtures' advice for another JPEG decoder and resize). */
    public static final double MIN_IOU = 0.95;
    /** Largest score difference of a matched pair. */
    public static final double MAX_SCORE_DIFF = 0.02;

    private DetectionMatcher() {
    }

    /** Number of {@code reference} boxes matched by {@code actual} boxes with the default tolerances. */
    public static int matched(List<Detection> reference, List<Detection> actual) {
        return matched(reference, actual, MIN_IOU, MAX_SCORE_DIFF);
    }

    /** Number of {@code reference} boxes matched by {@code actual} boxes. */
    public static int matched(List<Detection> reference, List<Detection> actual, double minIou,
            double maxScoreDiff) {
        boolean[] used = new boolean[actual.size()];
        int matched = 0;
        for (Detection e : reference) {
            int best = -1;
            double bestIou = minIou;
            for (int i = 0; i < actual.size(); i++) {
                Detection a = actual.get(i);
                if (used[i] || a.classId() != e.classId() || Math.abs(a.score() - e.score()) > maxScoreDiff) {
                    continue;
                }
                double iou = a.iou(e);
                if (iou >= bestIou) {
                    bestIou = iou;
                    best = i;
                }
            }
            if (best >= 0) {
                used[best] = true;
                matched++;
            }
        }
        return matched;
    }
}
