package dev.peregrine.engines.eval;

import dev.peregrine.engines.Detection;

/**
 * One scored detection to evaluate, in original-image pixels. Kept in double precision because COCO results
 * JSON carries decimal boxes that pycocotools evaluates in double.
 *
 * @param classId class index (0-based)
 * @param x1      left edge
 * @param y1      top edge
 * @param x2      right edge
 * @param y2      bottom edge
 * @param score   confidence
 */
public record Prediction(int classId, double x1, double y1, double x2, double y2, double score) {

    /** The prediction of a {@link Detection} from a {@code Detector}. */
    public static Prediction of(Detection d) {
        return new Prediction(d.classId(), d.x1(), d.y1(), d.x2(), d.y2(), d.score());
    }
}
