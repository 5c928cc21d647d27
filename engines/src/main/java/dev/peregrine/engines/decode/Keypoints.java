package dev.peregrine.engines.decode;

import dev.peregrine.engines.Detection;
import java.util.Arrays;

/**
 * Pose keypoints of one detection: {@code K} points {@code (x, y)} with a confidence each (the sigmoid of the
 * visibility logit; 1 when the model predicts no visibility, {@code kpt_shape [K, 2]}). Coordinates are in the pixels
 * of the image the detection refers to: model-input pixels from a decoder, original-image pixels (clipped to the
 * image, as Ultralytics' {@code scale_coords}) from {@link dev.peregrine.engines.Detector#detect}. Immutable.
 */
public final class Keypoints implements Detection.Extra {
    private final float[] xy;
    private final float[] conf;
    private final boolean hasConfidence;

    /**
     * @param xy            {@code 2K} values {@code x0, y0, x1, y1, ...}
     * @param conf          {@code K} confidences, or null when the model predicts none
     */
    public Keypoints(float[] xy, float[] conf) {
        if (xy.length % 2 != 0 || conf != null && conf.length * 2 != xy.length) {
            throw new IllegalArgumentException("keypoints need 2K coordinates and K confidences, got " + xy.length
                    + " and " + (conf == null ? "none" : conf.length));
        }
        this.xy = xy.clone();
        this.hasConfidence = conf != null;
        this.conf = conf == null ? filled(xy.length / 2) : conf.clone();
    }

    private static float[] filled(int n) {
        float[] a = new float[n];
        Arrays.fill(a, 1f);
        return a;
    }

    /** Number of keypoints {@code K}. */
    public int count() {
        return conf.length;
    }

    /** x of keypoint {@code i}. */
    public float x(int i) {
        return xy[2 * i];
    }

    /** y of keypoint {@code i}. */
    public float y(int i) {
        return xy[2 * i + 1];
    }

    /** Confidence (visibility) of keypoint {@code i}, 1 when the model predicts none. */
    public float confidence(int i) {
        return conf[i];
    }

    /** True when the model predicts a visibility per keypoint ({@code kpt_shape [K, 3]}). */
    public boolean hasConfidence() {
        return hasConfidence;
    }

    /** The coordinates {@code x0, y0, x1, y1, ...} (a copy). */
    public float[] coordinates() {
        return xy.clone();
    }

    /** The same keypoints at other coordinates ({@code 2K} values), confidences kept. */
    public Keypoints withCoordinates(float[] coordinates) {
        return new Keypoints(coordinates, hasConfidence ? conf : null);
    }

    @Override
    public String toString() {
        return "Keypoints[" + count() + "]";
    }
}
