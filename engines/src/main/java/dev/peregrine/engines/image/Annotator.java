package dev.peregrine.engines.image;

import dev.peregrine.engines.Classification;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.decode.InstanceMask;
import dev.peregrine.engines.decode.Keypoints;
import dev.peregrine.engines.decode.OrientedBox;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Draws results onto an image the way Ultralytics' plots look: one box per detection in its class colour (the
 * rotated outline for oriented boxes) and a filled label {@code "name 0.87"} above it (inside the box when there is
 * no room above), segmentation masks blended in the class colour, pose keypoints with the COCO skeleton, and for
 * classifiers the top classes at the top left. Line width scales with the image size. Coordinates are expected in
 * original-image pixels.
 */
public final class Annotator {
    /** JPEG quality of {@link #annotateJpeg}. */
    public static final int JPEG_QUALITY = 90;

    private Annotator() {
    }

    /**
     * Decodes an image, draws the detections and encodes the result as JPEG of the same size.
     *
     * @param encoded    the original encoded image (JPEG, PNG, BMP or WebP), limited to
     *                   {@link ImageDecoder#DEFAULT_MAX_PIXELS}
     * @param detections boxes in original-image pixels
     * @param info       supplies the class names
     * @return the annotated JPEG
     * @throws PeregrineException BAD_INPUT or TOO_LARGE when the image does not decode
     */
    public static byte[] annotateJpeg(byte[] encoded, List<Detection> detections, ModelInfo info)
            throws PeregrineException {
        return annotateJpeg(encoded == null ? null : ByteBuffer.wrap(encoded), detections, info);
    }

    /**
     * {@link #annotateJpeg(byte[], List, ModelInfo)} for the bytes between {@code encoded}'s position and limit
     * (left as they are); a direct buffer is decoded in place.
     */
    public static byte[] annotateJpeg(ByteBuffer encoded, List<Detection> detections, ModelInfo info)
            throws PeregrineException {
        try (Mat bgr = ImageDecoder.decode(encoded, ImageDecoder.DEFAULT_MAX_PIXELS)) {
            draw(bgr, detections, info);
            return encodeJpeg(bgr);
        }
    }

    /**
     * Draws the detections onto a BGR image in place: masks first (blended), then per detection its box (the
     * rotated box's outline for OBB detections), keypoints and skeleton, and the label.
     *
     * @param bgr        a CV_8UC3 image
     * @param detections boxes in this image's pixels
     * @param info       supplies the class names
     */
    public static void draw(Mat bgr, List<Detection> detections, ModelInfo info) {
        int lineWidth = lineWidth(bgr);
        for (Detection d : detections) {
            if (d.extra() instanceof InstanceMask mask) {
                MaskOverlay.blend(bgr, mask, ClassColors.bgr(d.classId()));
            }
        }
        for (Detection d : detections) {
            int[] bgrColor = ClassColors.bgr(d.classId());
            try (Scalar color = new Scalar(bgrColor[0], bgrColor[1], bgrColor[2], 0)) {
                if (d.extra() instanceof OrientedBox box) {
                    drawRotated(bgr, box, color, lineWidth);
                } else {
                    // Clamped so that a box far outside the image (a caller's bug) cannot overflow OpenCV's drawing.
                    try (Point p1 = new Point(clamp(d.x1(), bgr.cols()), clamp(d.y1(), bgr.rows()));
                         Point p2 = new Point(clamp(d.x2(), bgr.cols()), clamp(d.y2(), bgr.rows()))) {
                        opencv_imgproc.rectangle(bgr, p1, p2, color, lineWidth, opencv_imgproc.LINE_AA, 0);
                    }
                }
                if (d.extra() instanceof Keypoints k) {
                    PoseSkeleton.draw(bgr, k, lineWidth, bgrColor);
                }
                label(bgr, String.format(Locale.ROOT, "%s %.2f", info.className(d.classId()), d.score()),
                        clamp(d.x1(), bgr.cols()), clamp(d.y1(), bgr.rows()), bgrColor, lineWidth, true);
            }
        }
    }

    /**
     * Writes the classes of a classification onto a BGR image in place, one line {@code "name 0.87"} per class at
     * the top left, like Ultralytics' plots of classification results.
     */
    public static void draw(Mat bgr, Classification c, ModelInfo info) {
        int lineWidth = lineWidth(bgr);
        int y = 0;
        for (int i = 0; i < c.size(); i++) {
            String text = String.format(Locale.ROOT, "%s %.2f", info.className(c.classId(i)), c.probability(i));
            y = label(bgr, text, 0, y, new int[] {64, 64, 64}, lineWidth, false) + 2;
        }
    }

    /**
     * Decodes an image, writes the classification onto it and encodes the result as JPEG of the same size.
     *
     * @throws PeregrineException BAD_INPUT or TOO_LARGE when the image does not decode
     */
    public static byte[] annotateJpeg(byte[] encoded, Classification classification, ModelInfo info)
            throws PeregrineException {
        try (Mat bgr = ImageDecoder.decode(encoded, ImageDecoder.DEFAULT_MAX_PIXELS)) {
            draw(bgr, classification, info);
            return encodeJpeg(bgr);
        }
    }

    private static int lineWidth(Mat bgr) {
        return Math.max((int) Math.round((bgr.rows() + bgr.cols()) / 2.0 * 0.003), 2);
    }

    /** The closed outline of a rotated box through its four corners. */
    private static void drawRotated(Mat bgr, OrientedBox box, Scalar color, int lineWidth) {
        float[] c = box.corners();
        for (int i = 0; i < 4; i++) {
            int j = (i + 1) % 4;
            try (Point p = new Point(clampLoose(c[2 * i], bgr.cols()), clampLoose(c[2 * i + 1], bgr.rows()));
                 Point q = new Point(clampLoose(c[2 * j], bgr.cols()), clampLoose(c[2 * j + 1], bgr.rows()))) {
                opencv_imgproc.line(bgr, p, q, color, lineWidth, opencv_imgproc.LINE_AA, 0);
            }
        }
    }

    /**
     * A filled label with the text at {@code (x, y)}: above that point when asked and there is room, otherwise just
     * below it.
     *
     * @return the bottom edge of the label
     */
    private static int label(Mat bgr, String text, int x, int y, int[] bgrColor, int lineWidth,
            boolean preferAbove) {
        int fontThickness = Math.max(lineWidth - 1, 1);
        double fontScale = lineWidth / 3.0;
        int font = opencv_imgproc.FONT_HERSHEY_SIMPLEX;
        int[] textBgr = ClassColors.isLight(bgrColor) ? new int[] {0, 0, 0} : new int[] {255, 255, 255};
        try (Scalar color = new Scalar(bgrColor[0], bgrColor[1], bgrColor[2], 0);
             Scalar textColor = new Scalar(textBgr[0], textBgr[1], textBgr[2], 0);
             IntPointer baseline = new IntPointer(1);
             Size size = opencv_imgproc.getTextSize(text, font, fontScale, fontThickness, baseline)) {
            int labelHeight = size.height() + 3;
            // Label above the point when it fits, otherwise just below it (inside the box).
            boolean above = preferAbove && y - labelHeight >= 0;
            int top = above ? y - labelHeight : y;
            try (Point l1 = new Point(x, top);
                 Point l2 = new Point(x + size.width(), top + labelHeight);
                 Point origin = new Point(x, top + labelHeight - 2)) {
                opencv_imgproc.rectangle(bgr, l1, l2, color, opencv_imgproc.FILLED, opencv_imgproc.LINE_AA, 0);
                opencv_imgproc.putText(bgr, text, origin, font, fontScale, textColor, fontThickness,
                        opencv_imgproc.LINE_AA, false);
            }
            return top + labelHeight;
        }
    }

    /** Rounds a coordinate and keeps it within a generous band around the image (for lines that may leave it). */
    private static int clampLoose(float v, int size) {
        return Math.max(-size, Math.min(Math.round(v), 2 * size));
    }

    /** Rounds a coordinate and keeps it within {@code [0, size - 1]} (NaN becomes 0). */
    private static int clamp(float v, int size) {
        return Math.max(0, Math.min(Math.round(v), size - 1));
    }

    /** Encodes a BGR image as JPEG. */
    static byte[] encodeJpeg(Mat bgr) throws PeregrineException {
        try (BytePointer out = new BytePointer();
             IntPointer params = new IntPointer(opencv_imgcodecs.IMWRITE_JPEG_QUALITY, JPEG_QUALITY)) {
            if (!opencv_imgcodecs.imencode(".jpg", bgr, out, params)) {
                throw new PeregrineException(ErrorCode.ENGINE_FAILURE,
                        "JPEG encoding of a " + bgr.cols() + "x" + bgr.rows() + " image failed");
            }
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }
}
