package dev.peregrine.engines.eval;

/**
 * One labelled object of an evaluation image, in original-image pixels.
 *
 * @param classId class index (0-based, into the data set's names)
 * @param x1      left edge
 * @param y1      top edge
 * @param x2      right edge
 * @param y2      bottom edge
 * @param area    object area used for COCO's small/medium/large split: the COCO {@code area} field when the
 *                label came from COCO JSON (segmentation pixel count), else the box area
 * @param crowd   COCO {@code iscrowd}: a crowd region never counts as a miss, and detections on it are ignored
 */
public record GroundTruth(int classId, double x1, double y1, double x2, double y2, double area, boolean crowd) {

    public GroundTruth {
        if (classId < 0) {
            throw new IllegalArgumentException("class id must be >= 0, got " + classId);
        }
        if (!(x2 >= x1 && y2 >= y1)) {
            throw new IllegalArgumentException("box must have x2 >= x1 and y2 >= y1: " + x1 + "," + y1 + "," + x2 + "," + y2);
        }
    }

    /** A plain (non-crowd) box whose area is its box area. */
    public static GroundTruth box(int classId, double x1, double y1, double x2, double y2) {
        return new GroundTruth(classId, x1, y1, x2, y2, (x2 - x1) * (y2 - y1), false);
    }
}
