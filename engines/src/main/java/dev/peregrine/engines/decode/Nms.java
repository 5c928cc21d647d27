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
public final class Nms {
    /** Class offset of class-aware NMS (Ultralytics' {@code max_wh}). */
    public static final float MAX_WH = 7680f;
    /** Most candidates that enter NMS (Ultralytics' {@code max_nms}). */
    public static final int MAX_NMS = 30000;

    private float[] x1 = new float[64];
    private float[] y1 = new float[64];
    private float[] x2 = new float[64];
    private float[] y2 = new float[64];
    private float[] scores = new float[64];
    private int[] classes = new int[64];
    private int[] sources = new int[64];
    private int size;

    // Scratch of run(): sort keys, offset boxes and areas in sorted order, suppression flags, kept candidates.
    private long[] order = new long[64];
    private float[] ox1 = new float[64];
    private float[] oy1 = new float[64];
    private float[] ox2 = new float[64];
    private float[] oy2 = new float[64];
    private float[] areas = new float[64];
    private boolean[] suppressed = new boolean[64];
    private int[] kept = new int[64];
    private int keptCount;

    /** Removes all candidates. */
    public void clear() {
        size = 0;
        keptCount = 0;
    }

    /** Number of candidates added since {@link #clear()}. */
    public int size() {
        return size;
    }

    /**
     * Adds a candidate box.
     *
     * @param source where it came from (anchor or row index), returned by {@link #source(int)}
     */
    public void add(float bx1, float by1, float bx2, float by2, float score, int classId, int source) {
        if (size == x1.length) {
            grow(size * 2);
        }
        x1[size] = bx1;
        y1[size] = by1;
        x2[size] = bx2;
        y2[size] = by2;
        scores[size] = score;
        classes[size] = classId;
        sources[size] = source;
        size++;
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
        int n = size;
        ensureScratch(n);
        // Sort by score descending, ties by insertion order: one long per candidate, no boxing, stable.
        for (int i = 0; i < n; i++) {
            order[i] = ((long) descendingKey(scores[i]) << 32) | i;
        }
        Arrays.sort(order, 0, n);
        int m = Math.min(n, MAX_NMS);
        for (int r = 0; r < m; r++) {
            int i = (int) order[r];
            float offset = agnostic ? 0f : classes[i] * MAX_WH;
            float a = x1[i] + offset;
            float b = y1[i] + offset;
            float c = x2[i] + offset;
            float d = y2[i] + offset;
            ox1[r] = a;
            oy1[r] = b;
            ox2[r] = c;
            oy2[r] = d;
            areas[r] = (c - a) * (d - b);
            suppressed[r] = false;
        }
        // torchvision compares the float IoU with the threshold as a double (Python float): mirror that.
        double threshold = Double.parseDouble(Float.toString(iouThreshold));
        keptCount = 0;
        for (int r = 0; r < m && keptCount < maxDet; r++) {
            if (suppressed[r]) {
                continue;
            }
            kept[keptCount++] = (int) order[r];
            float ix1 = ox1[r];
            float iy1 = oy1[r];
            float ix2 = ox2[r];
            float iy2 = oy2[r];
            float iarea = areas[r];
            for (int s = r + 1; s < m; s++) {
                if (suppressed[s]) {
                    continue;
                }
                float w = Math.max(0f, Math.min(ix2, ox2[s]) - Math.max(ix1, ox1[s]));
                float h = Math.max(0f, Math.min(iy2, oy2[s]) - Math.max(iy1, oy1[s]));
                float inter = w * h;
                float iou = inter / (iarea + areas[s] - inter);
                if (iou > threshold) {
                    suppressed[s] = true;
                }
            }
        }
        return keptCount;
    }

    /** Candidate index of the {@code k}-th kept box (0 = highest score). */
    public int kept(int k) {
        if (k < 0 || k >= keptCount) {
            throw new IndexOutOfBoundsException("kept " + k + " of " + keptCount);
        }
        return kept[k];
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

    /** Score of candidate {@code i}. */
    public float score(int i) {
        return scores[i];
    }

    /** Class of candidate {@code i}. */
    public int classId(int i) {
        return classes[i];
    }

    /** Source (anchor or row) of candidate {@code i}. */
    public int source(int i) {
        return sources[i];
    }

    /**
     * Maps a float to an int whose signed order is the reverse of the float order (NaN excluded), so that an
     * ascending sort of the keys sorts scores descending.
     */
    static int descendingKey(float f) {
        int bits = Float.floatToIntBits(f);
        int ascending = bits ^ ((bits >> 31) & 0x7fffffff);
        return ~ascending;
    }

    private void grow(int capacity) {
        x1 = Arrays.copyOf(x1, capacity);
        y1 = Arrays.copyOf(y1, capacity);
        x2 = Arrays.copyOf(x2, capacity);
        y2 = Arrays.copyOf(y2, capacity);
        scores = Arrays.copyOf(scores, capacity);
        classes = Arrays.copyOf(classes, capacity);
        sources = Arrays.copyOf(sources, capacity);
    }

    private void ensureScratch(int n) {
        if (order.length < n) {
            int c = Math.max(n, order.length * 2);
            order = new long[c];
            int m = Math.min(c, MAX_NMS);
            if (ox1.length < m) {
                ox1 = new float[m];
                oy1 = new float[m];
                ox2 = new float[m];
                oy2 = new float[m];
                areas = new float[m];
                suppressed = new boolean[m];
                kept = new int[m];
            }
        }
    }
}
