package dev.peregrine.engines;

/**
 * One detected object in original-image pixels.
 *
 * @param x1      left edge
 * @param y1      top edge
 * @param x2      right edge
 * @param y2      bottom edge
 * @param score   confidence in 0..1
 * @param classId class index into {@link ModelInfo#names()}
 * @param extra   task-specific data (keypoints, rotated box, mask), or null for plain detection
 */
public record Detection(float x1, float y1, float x2, float y2, float score, int classId, Extra extra) {

    /** A plain detection without task extras. */
    public Detection(float x1, float y1, float x2, float y2, float score, int classId) {
        this(x1, y1, x2, y2, score, classId, null);
    }

    /** Box width. */
    public float width() {
        return x2 - x1;
    }

    /** Box height. */
    public float height() {
        return y2 - y1;
    }

    /** Intersection over union of the axis-aligned boxes. */
    public float iou(Detection o) {
        float iw = Math.min(x2, o.x2) - Math.max(x1, o.x1);
        float ih = Math.min(y2, o.y2) - Math.max(y1, o.y1);
        if (iw <= 0 || ih <= 0) {
            return 0f;
        }
        float inter = iw * ih;
        return inter / (width() * height() + o.width() * o.height() - inter);
    }

    /**
     * Task-specific payload of a detection (pose keypoints, oriented box, instance mask). Implementations live
     * next to the decoder that produces them; composition rather than subclasses of {@link Detection}.
     */
    public interface Extra {
    }
}
