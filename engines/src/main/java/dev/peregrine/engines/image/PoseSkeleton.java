package dev.peregrine.engines.image;

import dev.peregrine.engines.decode.Keypoints;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Draws pose keypoints like Ultralytics' {@code Annotator.kpts}: keypoints with a confidence of at least 0.25 and not
 * on the image border (where clipping puts keypoints outside the image) as filled circles; for the 17 COCO keypoints
 * also the skeleton, a line between two such keypoints, in Ultralytics' limb and keypoint colours.
 */
final class PoseSkeleton {
    private static final float CONF = 0.25f;
    /** COCO skeleton as pairs of keypoint indices (Ultralytics' list, 0-based). */
    private static final int[][] COCO = {
        {15, 13}, {13, 11}, {16, 14}, {14, 12}, {11, 12}, {5, 11}, {6, 12}, {5, 6}, {5, 7}, {6, 8}, {7, 9},
        {8, 10}, {1, 2}, {0, 1}, {0, 2}, {1, 3}, {2, 4}, {3, 5}, {4, 6}};
    /** Ultralytics' pose palette entries used by the COCO colours, BGR. */
    private static final int[] ORANGE = {0, 128, 255};
    private static final int[] PINK = {255, 51, 255};
    private static final int[] BLUE = {255, 153, 51};
    private static final int[] GREEN = {0, 255, 0};
    private static final int[][] LIMB = {BLUE, BLUE, BLUE, BLUE, PINK, PINK, PINK, ORANGE, ORANGE, ORANGE, ORANGE,
        ORANGE, GREEN, GREEN, GREEN, GREEN, GREEN, GREEN, GREEN};
    private static final int[][] KPT = {GREEN, GREEN, GREEN, GREEN, GREEN, ORANGE, ORANGE, ORANGE, ORANGE, ORANGE,
        ORANGE, BLUE, BLUE, BLUE, BLUE, BLUE, BLUE};

    private PoseSkeleton() {
    }

    /**
     * @param fallback colour of keypoints of a non-COCO shape (the class colour), BGR
     */
    static void draw(Mat bgr, Keypoints k, int lineWidth, int[] fallback) {
        boolean coco = k.count() == KPT.length;
        int radius = Math.max(lineWidth + 1, 3);
        if (coco) {
            for (int i = 0; i < COCO.length; i++) {
                int a = COCO[i][0];
                int b = COCO[i][1];
                if (visible(bgr, k, a) && visible(bgr, k, b)) {
                    try (Point p = point(k, a); Point q = point(k, b); Scalar c = scalar(LIMB[i])) {
                        opencv_imgproc.line(bgr, p, q, c, Math.max(lineWidth / 2, 1), opencv_imgproc.LINE_AA, 0);
                    }
                }
            }
        }
        for (int i = 0; i < k.count(); i++) {
            if (visible(bgr, k, i)) {
                try (Point p = point(k, i); Scalar c = scalar(coco ? KPT[i] : fallback)) {
                    opencv_imgproc.circle(bgr, p, radius, c, opencv_imgproc.FILLED, opencv_imgproc.LINE_AA, 0);
                }
            }
        }
    }

    private static boolean visible(Mat bgr, Keypoints k, int i) {
        float x = k.x(i);
        float y = k.y(i);
        return k.confidence(i) >= CONF && x > 0 && y > 0 && x < bgr.cols() && y < bgr.rows();
    }

    private static Point point(Keypoints k, int i) {
        return new Point(Math.round(k.x(i)), Math.round(k.y(i)));
    }

    private static Scalar scalar(int[] bgr) {
        return new Scalar(bgr[0], bgr[1], bgr[2], 0);
    }
}
