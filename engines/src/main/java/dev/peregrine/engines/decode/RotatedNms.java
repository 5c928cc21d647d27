package dev.peregrine.engines.decode;

import java.util.Arrays;

/**
 * Non-maximum suppression of rotated boxes with the semantics of Ultralytics' {@code non_max_suppression(...,
 * rotated=True)}: at most {@link Nms#MAX_NMS} candidates (highest scores), class-aware by offsetting each centre by
 * {@code class * 7680} unless agnostic, then Fast-NMS ({@code TorchNMS.fast_nms} with {@code batch_probiou}): boxes
 * sorted by score, descending; a box is dropped when <em>any</em> higher-scoring box, kept or not, has a probabilistic
 * IoU (ProbIoU, Gaussian Bhattacharyya distance) of at least the threshold with it. This differs from greedy NMS,
 * where only kept boxes suppress. At most {@code maxDet} boxes are kept.
 *
 * <p>ProbIoU is computed in float32 in Ultralytics' operation order (eps 1e-7), so borderline decisions go the same
 * way. Boxes of different classes are never compared when class-aware: the 7680-pixel offset makes their ProbIoU
 * -6e-8, below any threshold in [0, 1].
 *
 * <p>Usage like {@link Nms}: {@link #clear()}, {@link #add}, {@link #run}, then {@link #kept(int)}. Scratch arrays
 * grow as needed; not thread-safe.
 */
public final class RotatedNms extends RankedNms {
    private static final float EPS = 1e-7f;

    private float[] cx = new float[CAPACITY];
    private float[] cy = new float[CAPACITY];
    private float[] w = new float[CAPACITY];
    private float[] h = new float[CAPACITY];
    private float[] angle = new float[CAPACITY];

    // Scratch of run(), by rank: class-offset centres and covariance terms.
    private float[] sx = new float[CAPACITY];
    private float[] sy = new float[CAPACITY];
    private float[] ca = new float[CAPACITY];
    private float[] cb = new float[CAPACITY];
    private float[] cc = new float[CAPACITY];

    /**
     * Adds a candidate rotated box.
     *
     * @param source where it came from (anchor index), returned by {@link #source(int)}
     */
    public void add(float bcx, float bcy, float bw, float bh, float bangle, float score, int classId, int source) {
        int i = addCandidate(score, classId, source);
        cx[i] = bcx;
        cy[i] = bcy;
        w[i] = bw;
        h[i] = bh;
        angle[i] = bangle;
    }

    /**
     * Runs the suppression.
     *
     * @return number of kept candidates, readable with {@link #kept(int)} in descending score order
     */
    public int run(float iouThreshold, boolean agnostic, int maxDet) {
        int m = rank(agnostic);
        // Class-aware: boxes of other classes are skipped outright (the offset would make their ProbIoU negative).
        return keep(m, maxDet, Suppressors.ALL,
                (q, r) -> (agnostic || sameClass(q, r)) && probIou(q, r) >= iouThreshold);
    }

    @Override
    void rankBox(int r, int i, float offset) {
        sx[r] = cx[i] + offset;
        sy[r] = cy[i] + offset;
        // _get_covariance_matrix: a = w^2/12, b = h^2/12 rotated by the angle.
        float a = w[i] * w[i] / 12f;
        float b = h[i] * h[i] / 12f;
        float cos = (float) Math.cos(angle[i]);
        float sin = (float) Math.sin(angle[i]);
        float cos2 = cos * cos;
        float sin2 = sin * sin;
        ca[r] = a * cos2 + b * sin2;
        cb[r] = a * sin2 + b * cos2;
        cc[r] = (a - b) * cos * sin;
    }

    private boolean sameClass(int q, int r) {
        return classId(candidate(q)) == classId(candidate(r));
    }

    /** Ultralytics' {@code batch_probiou} of sorted boxes {@code p} and {@code q}, in float32. */
    private float probIou(int p, int q) {
        float a = ca[p] + ca[q];
        float b = cb[p] + cb[q];
        float c = cc[p] + cc[q];
        float dx = sx[p] - sx[q];
        float dy = sy[p] - sy[q];
        float denom = a * b - c * c + EPS;
        float t1 = (a * (dy * dy) + b * (dx * dx)) / denom * 0.25f;
        float t2 = c * (sx[q] - sx[p]) * dy / denom * 0.5f;
        float det1 = Math.max(ca[p] * cb[p] - cc[p] * cc[p], 0f);
        float det2 = Math.max(ca[q] * cb[q] - cc[q] * cc[q], 0f);
        float t3 = (float) Math.log((a * b - c * c) / (4f * (float) Math.sqrt(det1 * det2) + EPS) + EPS) * 0.5f;
        float bd = Math.min(Math.max(t1 + t2 + t3, EPS), 100f);
        float hd = (float) Math.sqrt(1f - (float) Math.exp(-bd) + EPS);
        return 1f - hd;
    }

    /** Centre x of candidate {@code i}. */
    public float cx(int i) {
        return cx[i];
    }

    /** Centre y of candidate {@code i}. */
    public float cy(int i) {
        return cy[i];
    }

    /** Width of candidate {@code i}. */
    public float width(int i) {
        return w[i];
    }

    /** Height of candidate {@code i}. */
    public float height(int i) {
        return h[i];
    }

    /** Angle of candidate {@code i} in radians. */
    public float angle(int i) {
        return angle[i];
    }

    @Override
    void growBoxes(int capacity) {
        cx = Arrays.copyOf(cx, capacity);
        cy = Arrays.copyOf(cy, capacity);
        w = Arrays.copyOf(w, capacity);
        h = Arrays.copyOf(h, capacity);
        angle = Arrays.copyOf(angle, capacity);
    }

    @Override
    void reserveRanked(int m) {
        if (sx.length < m) {
            int c = Math.max(m, sx.length * 2);
            sx = new float[c];
            sy = new float[c];
            ca = new float[c];
            cb = new float[c];
            cc = new float[c];
        }
    }
}
