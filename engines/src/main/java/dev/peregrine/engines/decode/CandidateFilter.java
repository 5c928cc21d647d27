package dev.peregrine.engines.decode;

import dev.peregrine.engines.DetectOptions;
import java.nio.FloatBuffer;

/**
 * Candidate selection of Ultralytics' {@code non_max_suppression} over an anchor-free output
 * {@code [B, 4 + nc + extra, N]}: an anchor is a candidate when its best class score is strictly greater than
 * {@code conf}; with {@code multiLabel} (and more than one class) every (anchor, class) pair above {@code conf} is one
 * candidate, anchor-major and class-minor; otherwise the best class (first maximum, like {@code torch.max}); then the
 * class filter. Shared by the axis-aligned and the rotated decoders, which differ only in their boxes and NMS.
 *
 * <p>Reads the score rows in place with reusable scratch arrays. Not thread-safe.
 */
final class CandidateFilter {
    /** Receives the candidates in Ultralytics' order. */
    @FunctionalInterface
    interface Sink {
        /** One candidate: the anchor it comes from, its class and score. */
        void accept(int anchor, int classId, float score);
    }

    private float[] best = new float[0];
    private int[] bestClass = new int[0];

    /**
     * Selects the candidates of one image.
     *
     * @param rows       the image's output rows
     * @param classCount score rows, starting at row 4
     */
    void select(AnchorRows rows, int classCount, DetectOptions options, Sink sink) {
        FloatBuffer data = rows.data();
        int base = rows.base();
        int anchors = rows.anchors();
        if (best.length < anchors) {
            best = new float[anchors];
            bestClass = new int[anchors];
        }
        // Best class per anchor, row by row over the contiguous score rows (first maximum wins, like torch.max).
        int scoreRow = base + 4 * anchors;
        for (int a = 0; a < anchors; a++) {
            best[a] = data.get(scoreRow + a);
            bestClass[a] = 0;
        }
        for (int c = 1; c < classCount; c++) {
            int row = scoreRow + c * anchors;
            for (int a = 0; a < anchors; a++) {
                float v = data.get(row + a);
                if (v > best[a]) {
                    best[a] = v;
                    bestClass[a] = c;
                }
            }
        }
        float conf = options.conf();
        boolean multiLabel = options.multiLabel() && classCount > 1;
        for (int a = 0; a < anchors; a++) {
            if (!(best[a] > conf)) {
                continue;
            }
            if (multiLabel) {
                for (int c = 0; c < classCount; c++) {
                    float s = data.get(scoreRow + c * anchors + a);
                    if (s > conf && options.acceptsClass(c)) {
                        sink.accept(a, c, s);
                    }
                }
            } else if (options.acceptsClass(bestClass[a])) {
                sink.accept(a, bestClass[a], best[a]);
            }
        }
    }
}
