package dev.peregrine.engines.decode;

import java.util.Arrays;

/**
 * Greedy non-maximum suppression with the semantics of Ultralytics' {@code non_max_suppression} after candidate
 * selection: at most {@link #MAX_NMS} candidates (highest scores), class-aware by offsetting each box by
 * {@code class * 7680} unless agnostic, then torchvision's {@code nms} (stable sort by score descending; a box is
 * suppressed when its IoU with a kept box is strictly greater than the threshold), keeping at most {@code maxDet}.
 *
 * <p>All arithmetic is float32 in the same order as PyTorch, so that borderline IoUs decide the same way.
 *
 * <p>Usage: {@link #clear()}, {@link #add} each candidate (in Ultralytics' candidate order: anchor order, and for
 * multi-label class order within an anchor), {@link #run}, then read the kept candidates with {@link #kept(int)}.
 * Scratch arrays grow as needed and are reused; not thread-safe.
 */
public final class Nms extends RankedNms {
    /** Class offset of class-aware NMS (Ultralytics' {@code max_wh}). */
    public static final float MAX_WH = 7680f;
    /** Most candidates that enter NMS (Ultralytics' {@code max_nms}). */
    public static final int MAX_NMS = 30000;

    private float[] x1 = new float[CAPACITY];
    private float[] y1 = new float[CAPACITY];
    private float[] x2 = new float[CAPACITY];
    private float[] y2 = new float[CAPACITY];

    // Scratch of run(), by rank: class-offset boxes and their areas.
    private float[] ox1 = new float[CAPACITY];
    private float[] oy1 = new float[CAPACITY];
    private float[] ox2 = new float[CAPACITY];
    private float[] oy2 = new float[CAPACITY];
    private float[] areas = new float[CAPACITY];

    /**
     * Adds a candidate box.
     *
     * @param source where it came from (anchor or row index), returned by {@link #source(int)}
     */
    public void add(float bx1, float by1, float bx2, float by2, float score, int classId, int source) {
        int i = addCandidate(score, classId, source);
        x1[i] = bx1;
        y1[i] = by1;
        x2[i] = bx2;
        y2[i] = by2;
    }

    /**
     * Runs NMS over the candidates.
     *
     * @param iouThreshold suppress boxes whose IoU with a kept box is greater than this
     * @param agnostic     ignore classes (one box may suppress a box of another class)
     * @param maxDet       keep at most this many
     * @return number of kept candidates, readable with {@link #kept(int)} in descending score order
     */
    public int run(float iouThreshold, boolean agnostic, int maxDet) {
        int m = rank(agnostic);
        // torchvision compares the float IoU with the threshold as a double (Python float): mirror that.
        double threshold = Double.parseDouble(Float.toString(iouThreshold));
        return keep(m, maxDet, Suppressors.KEPT, (k, r) -> iou(k, r) > threshold);
    }

    @Override
    void rankBox(int r, int i, float offset) {
        float a = x1[i] + offset;
        float b = y1[i] + offset;
        float c = x2[i] + offset;
        float d = y2[i] + offset;
        ox1[r] = a;
        oy1[r] = b;
        ox2[r] = c;
        oy2[r] = d;
        areas[r] = (c - a) * (d - b);
    }

    /** IoU of the offset boxes ranked {@code k} (kept) and {@code r}, in float32 in torchvision's order. */
    private float iou(int k, int r) {
        float w = Math.max(0f, Math.min(ox2[k], ox2[r]) - Math.max(ox1[k], ox1[r]));
        float h = Math.max(0f, Math.min(oy2[k], oy2[r]) - Math.max(oy1[k], oy1[r]));
        float inter = w * h;
        return inter / (areas[k] + areas[r] - inter);
    }

    /** Left edge of candidate {@code i}. */
    public float x1(int i) {
        return x1[i];
    }

    /** Top edge of candidate {@code i}. */
    public float y1(int i) {
        return y1[i];
    }

    /** Right edge of candidate {@code i}. */
    public float x2(int i) {
        return x2[i];
    }

    /** Bottom edge of candidate {@code i}. */
    public float y2(int i) {
        return y2[i];
    }

    @Override
    void growBoxes(int capacity) {
        x1 = Arrays.copyOf(x1, capacity);
        y1 = Arrays.copyOf(y1, capacity);
        x2 = Arrays.copyOf(x2, capacity);
        y2 = Arrays.copyOf(y2, capacity);
    }

    @Override
    void reserveRanked(int m) {
        if (ox1.length < m) {
            int c = Math.max(m, ox1.length * 2);
            ox1 = new float[c];
            oy1 = new float[c];
            ox2 = new float[c];
            oy2 = new float[c];
            areas = new float[c];
        }
    }
}
