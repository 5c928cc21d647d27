package dev.peregrine.engines;

import java.util.Arrays;

/**
 * The result of an image classifier: the {@code k} most probable classes, most probable first (Ultralytics'
 * {@code probs.top5} with {@code k = 5}), with their probabilities.
 *
 * @param classIds      class indices into {@link ModelInfo#names()}, most probable first
 * @param probabilities their probabilities (softmax), same length
 */
public record Classification(int[] classIds, float[] probabilities) {

    /** Validates and copies. */
    public Classification {
        if (classIds.length != probabilities.length) {
            throw new IllegalArgumentException(classIds.length + " classes but " + probabilities.length
                    + " probabilities");
        }
        classIds = classIds.clone();
        probabilities = probabilities.clone();
    }

    /**
     * The {@code k} most probable of {@code probs}, ties in class order (a stable sort; torch's argsort leaves ties
     * unspecified).
     */
    public static Classification top(float[] probs, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        int n = Math.min(k, probs.length);
        Integer[] order = new Integer[probs.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(probs[b], probs[a]));
        int[] ids = new int[n];
        float[] p = new float[n];
        for (int i = 0; i < n; i++) {
            ids[i] = order[i];
            p[i] = probs[order[i]];
        }
        return new Classification(ids, p);
    }

    /** Number of classes reported. */
    public int size() {
        return classIds.length;
    }

    /** Class of rank {@code i} (0 = most probable). */
    public int classId(int i) {
        return classIds[i];
    }

    /** Probability of rank {@code i}. */
    public float probability(int i) {
        return probabilities[i];
    }

    /** The most probable class, or -1 when empty. */
    public int top1() {
        return classIds.length == 0 ? -1 : classIds[0];
    }

    @Override
    public int[] classIds() {
        return classIds.clone();
    }

    @Override
    public float[] probabilities() {
        return probabilities.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Classification c && Arrays.equals(c.classIds, classIds)
                && Arrays.equals(c.probabilities, probabilities);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(classIds) * 31 + Arrays.hashCode(probabilities);
    }

    @Override
    public String toString() {
        return "Classification" + Arrays.toString(classIds) + Arrays.toString(probabilities);
    }
}
