package dev.peregrine.engines.decode;

import java.util.Arrays;

/**
 * What {@link Nms} and {@link RotatedNms} share around their overlap measure: each candidate's score, class and
 * source; the order by score (descending, ties in insertion order, as PyTorch's stable sort); Ultralytics'
 * {@code max_nms} cap and class offset; and the keep loop with its {@code max_det} limit. The box geometry and the
 * overlap test stay with each subclass, which sees candidates by <em>rank</em> (position in score order).
 *
 * <p>A subclass's {@code add} stores the geometry at the index {@link #addCandidate} returns (growing its arrays in
 * {@link #growBoxes}); its {@code run} calls {@link #rank(boolean)}, which hands it each ranked candidate
 * ({@link #rankBox}), then {@link #keep}. Arrays grow as needed and are reused; not thread-safe.
 */
abstract class RankedNms {

    /** Whether the candidate ranked {@code higher} suppresses the one ranked {@code lower} ({@code higher < lower}). */
    @FunctionalInterface
    interface Suppression {
        boolean suppresses(int higher, int lower);
    }

    /** Which higher-scoring candidates may suppress a candidate. */
    enum Suppressors {
        /** Only those already kept: torchvision's greedy {@code nms}. */
        KEPT,
        /** Every higher-scoring one, kept or not: Ultralytics' {@code TorchNMS.fast_nms}. */
        ALL
    }

    /** Initial length of every per-candidate and by-rank array, here and in subclasses (grown together). */
    static final int CAPACITY = 64;

    private float[] scores = new float[CAPACITY];
    private int[] classes = new int[CAPACITY];
    private int[] sources = new int[CAPACITY];
    private int size;

    // Scratch of rank() and keep(): sort keys (score key << 32 | index) and the ranks of kept candidates.
    private long[] order = new long[CAPACITY];
    private int[] keptRanks = new int[CAPACITY];
    private int keptCount;

    /** Removes all candidates. */
    public final void clear() {
        size = 0;
        keptCount = 0;
    }

    /** Number of candidates added since {@link #clear()}. */
    public final int size() {
        return size;
    }

    /**
     * Adds a candidate.
     *
     * @return its index, at which the subclass stores its geometry
     */
    final int addCandidate(float score, int classId, int source) {
        if (size == scores.length) {
            int capacity = size * 2;
            scores = Arrays.copyOf(scores, capacity);
            classes = Arrays.copyOf(classes, capacity);
            sources = Arrays.copyOf(sources, capacity);
            growBoxes(capacity);
        }
        scores[size] = score;
        classes[size] = classId;
        sources[size] = source;
        return size++;
    }

    /**
     * Sorts the candidates by score, descending, ties in insertion order, and hands those that enter NMS to
     * {@link #rankBox} with their class offset ({@code class * max_wh}, 0 when {@code agnostic}).
     *
     * @return how many enter NMS: the highest-scoring, at most {@link Nms#MAX_NMS}
     */
    final int rank(boolean agnostic) {
        int n = size;
        if (order.length < n) {
            order = new long[Math.max(n, order.length * 2)];
        }
        // One long per candidate: no boxing, and the index in the low bits makes the sort stable.
        for (int i = 0; i < n; i++) {
            order[i] = ((long) descendingKey(scores[i]) << 32) | i;
        }
        Arrays.sort(order, 0, n);
        int ranked = Math.min(n, Nms.MAX_NMS);
        if (keptRanks.length < ranked) {
            keptRanks = new int[Math.max(ranked, keptRanks.length * 2)];
        }
        reserveRanked(ranked);
        for (int r = 0; r < ranked; r++) {
            int i = candidate(r);
            rankBox(r, i, agnostic ? 0f : classes[i] * Nms.MAX_WH);
        }
        return ranked;
    }

    /** Grows the subclass's per-candidate arrays to {@code capacity}, keeping their values. */
    abstract void growBoxes(int capacity);

    /** Makes room for {@code ranked} boxes in the subclass's by-rank scratch. */
    abstract void reserveRanked(int ranked);

    /** Prepares candidate {@code i}'s box, shifted by {@code offset} on both axes, as the box of rank {@code r}. */
    abstract void rankBox(int r, int i, float offset);

    /** Candidate index at rank {@code r} (after {@link #rank(boolean)}). */
    final int candidate(int r) {
        return (int) order[r];
    }

    /**
     * Walks the ranked candidates in score order and keeps each one that no allowed higher-scoring candidate
     * suppresses, stopping at {@code maxDet} kept.
     *
     * @param ranked      what {@link #rank(boolean)} returned
     * @param suppressors which higher-scoring candidates are asked
     * @return number of kept candidates, readable with {@link #kept(int)} in descending score order
     */
    final int keep(int ranked, int maxDet, Suppressors suppressors, Suppression suppression) {
        keptCount = 0;
        for (int r = 0; r < ranked && keptCount < maxDet; r++) {
            if (!suppressed(r, suppressors, suppression)) {
                keptRanks[keptCount++] = r;
            }
        }
        return keptCount;
    }

    private boolean suppressed(int r, Suppressors suppressors, Suppression suppression) {
        if (suppressors == Suppressors.KEPT) {
            for (int k = 0; k < keptCount; k++) {
                if (suppression.suppresses(keptRanks[k], r)) {
                    return true;
                }
            }
        } else {
            for (int q = 0; q < r; q++) {
                if (suppression.suppresses(q, r)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Candidate index of the {@code k}-th kept box (0 = highest score). */
    public final int kept(int k) {
        if (k < 0 || k >= keptCount) {
            throw new IndexOutOfBoundsException("kept " + k + " of " + keptCount);
        }
        return candidate(keptRanks[k]);
    }

    /** Score of candidate {@code i}. */
    public final float score(int i) {
        return scores[i];
    }

    /** Class of candidate {@code i}. */
    public final int classId(int i) {
        return classes[i];
    }

    /** Source (anchor or row) of candidate {@code i}. */
    public final int source(int i) {
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
}
