package dev.peregrine.exporter;

import java.util.ArrayList;
import java.util.List;

/**
 * Compares detection outputs the way the fixtures README prescribes: anchor-free {@code [B, 4+nc, A]} per channel
 * group (box rows 0-3, score rows), end-to-end {@code [B, K, 6]} as sets of rows matched by class, score and box,
 * because rows with tied scores may come out of TopK in another order. Test helper.
 */
final class OutputDiff {
    private OutputDiff() {
    }

    /** Largest |a - b| over rows {@code [from, to)} of every batch item of a {@code [B, rows, A]} tensor. */
    static double maxAbs(float[] a, float[] b, int batch, int rows, int anchors, int from, int to) {
        double max = 0;
        for (int n = 0; n < batch; n++) {
            for (int c = from; c < to; c++) {
                int base = (n * rows + c) * anchors;
                for (int j = 0; j < anchors; j++) {
                    max = Math.max(max, Math.abs(a[base + j] - b[base + j]));
                }
            }
        }
        return max;
    }

    /** Largest |a - b| over whole arrays of equal length. */
    static double maxAbs(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /** Result of matching end-to-end rows. */
    record RowMatch(int matched, List<String> unmatched, double maxBox, double maxScore) {
    }

    /**
     * Matches the rows of {@code ref} ({@code K x 6}: x1 y1 x2 y2 score class) to rows of {@code got}: same class,
     * score and box within tolerance, closest score first. Reference rows whose score is within {@code scoreTol} of
     * the lowest reference score are allowed to stay unmatched (membership at the K-th place is a tie).
     */
    static RowMatch matchRows(float[] got, float[] ref, int k, double boxTol, double scoreTol) {
        boolean[] used = new boolean[k];
        float minRef = Float.MAX_VALUE;
        for (int i = 0; i < k; i++) {
            minRef = Math.min(minRef, ref[i * 6 + 4]);
        }
        List<String> unmatched = new ArrayList<>();
        int matched = 0;
        double maxBox = 0;
        double maxScore = 0;
        for (int i = 0; i < k; i++) {
            int best = -1;
            double bestScore = Double.MAX_VALUE;
            double bestBox = 0;
            for (int j = 0; j < k; j++) {
                if (used[j] || got[j * 6 + 5] != ref[i * 6 + 5]) {
                    continue;
                }
                double ds = Math.abs(got[j * 6 + 4] - ref[i * 6 + 4]);
                double db = 0;
                for (int c = 0; c < 4; c++) {
                    db = Math.max(db, Math.abs(got[j * 6 + c] - ref[i * 6 + c]));
                }
                if (ds <= scoreTol && db <= boxTol && ds < bestScore) {
                    best = j;
                    bestScore = ds;
                    bestBox = db;
                }
            }
            if (best >= 0) {
                used[best] = true;
                matched++;
                maxBox = Math.max(maxBox, bestBox);
                maxScore = Math.max(maxScore, bestScore);
            } else if (ref[i * 6 + 4] > minRef + scoreTol) {
                unmatched.add("row " + i + " " + java.util.Arrays.toString(java.util.Arrays.copyOfRange(ref, i * 6,
                        i * 6 + 6)));
            }
        }
        return new RowMatch(matched, unmatched, maxBox, maxScore);
    }
}
