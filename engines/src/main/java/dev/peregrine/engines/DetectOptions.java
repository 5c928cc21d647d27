package dev.peregrine.engines;

import java.util.Arrays;

/**
 * Post-processing settings with Ultralytics' meaning and defaults.
 *
 * @param conf       minimum score (Ultralytics {@code conf}, default 0.25; val uses 0.001)
 * @param iou        NMS IoU threshold (default 0.7)
 * @param maxDet     maximum detections per image (default 300)
 * @param classes    keep only these class ids; null keeps all
 * @param agnostic   class-agnostic NMS
 * @param multiLabel one box per class above {@code conf} for an anchor (Ultralytics val), instead of the best class
 */
public record DetectOptions(float conf, float iou, int maxDet, int[] classes, boolean agnostic, boolean multiLabel) {

    public DetectOptions {
        if (!(conf >= 0f && conf <= 1f)) {
            throw new IllegalArgumentException("conf must be in [0, 1], got " + conf);
        }
        if (!(iou >= 0f && iou <= 1f)) {
            throw new IllegalArgumentException("iou must be in [0, 1], got " + iou);
        }
        if (maxDet < 1) {
            throw new IllegalArgumentException("max_det must be >= 1, got " + maxDet);
        }
        classes = classes == null ? null : classes.clone();
    }

    /** Ultralytics predict defaults: conf 0.25, IoU 0.7, max_det 300, all classes, class-aware, best class. */
    public static DetectOptions defaults() {
        return new DetectOptions(0.25f, 0.7f, 300, null, false, false);
    }

    /** Ultralytics val settings: conf 0.001, IoU 0.7, max_det 300, multi-label. */
    public static DetectOptions validation() {
        return new DetectOptions(0.001f, 0.7f, 300, null, false, true);
    }

    public DetectOptions withConf(float c) {
        return new DetectOptions(c, iou, maxDet, classes, agnostic, multiLabel);
    }

    public DetectOptions withIou(float i) {
        return new DetectOptions(conf, i, maxDet, classes, agnostic, multiLabel);
    }

    public DetectOptions withMaxDet(int m) {
        return new DetectOptions(conf, iou, m, classes, agnostic, multiLabel);
    }

    public DetectOptions withClasses(int[] c) {
        return new DetectOptions(conf, iou, maxDet, c, agnostic, multiLabel);
    }

    /** True when class {@code id} passes the class filter. */
    public boolean acceptsClass(int id) {
        if (classes == null) {
            return true;
        }
        for (int c : classes) {
            if (c == id) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int[] classes() {
        return classes == null ? null : classes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DetectOptions d && d.conf == conf && d.iou == iou && d.maxDet == maxDet
                && Arrays.equals(d.classes, classes) && d.agnostic == agnostic && d.multiLabel == multiLabel;
    }

    @Override
    public int hashCode() {
        return Float.hashCode(conf) * 31 + Float.hashCode(iou) * 17 + maxDet + Arrays.hashCode(classes);
    }
}
