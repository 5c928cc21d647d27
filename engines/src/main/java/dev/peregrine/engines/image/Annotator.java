package dev.peregrine.engines.image;

import dev.peregrine.engines.Detection;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
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
 * Draws detections onto an image: one box per detection in its class colour and a filled label
 * {@code "name 0.87"} above it (inside the box when there is no room above), line width scaled with the image
 * size the way Ultralytics' plots are. Boxes are expected in original-image pixels.
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
        try (Mat bgr = ImageDecoder.decode(encoded, ImageDecoder.DEFAULT_MAX_PIXELS)) {
            draw(bgr, detections, info);
            return encodeJpeg(bgr);
        }
    }

    /**
     * Draws the detections onto a BGR image in place.
     *
     * @param bgr        a CV_8UC3 image
     * @param detections boxes in this image's pixels
     * @param info       supplies the class names
     */
    public static void draw(Mat bgr, List<Detection> detections, ModelInfo info) {
        int lineWidth = Math.max((int) Math.round((bgr.rows() + bgr.cols()) / 2.0 * 0.003), 2);
        int fontThickness = Math.max(lineWidth - 1, 1);
        double fontScale = lineWidth / 3.0;
        int font = opencv_imgproc.FONT_HERSHEY_SIMPLEX;
        for (Detection d : detections) {
            int[] bgrColor = ClassColors.bgr(d.classId());
            int[] textBgr = ClassColors.isLight(bgrColor) ? new int[] {0, 0, 0} : new int[] {255, 255, 255};
            String label = String.format(Locale.ROOT, "%s %.2f", info.className(d.classId()), d.score());
            int x1 = Math.round(d.x1());
            int y1 = Math.round(d.y1());
            try (Scalar color = new Scalar(bgrColor[0], bgrColor[1], bgrColor[2], 0);
                 Scalar textColor = new Scalar(textBgr[0], textBgr[1], textBgr[2], 0);
                 Point p1 = new Point(x1, y1);
                 Point p2 = new Point(Math.round(d.x2()), Math.round(d.y2()));
                 IntPointer baseline = new IntPointer(1);
                 Size text = opencv_imgproc.getTextSize(label, font, fontScale, fontThickness, baseline)) {
                opencv_imgproc.rectangle(bgr, p1, p2, color, lineWidth, opencv_imgproc.LINE_AA, 0);
                int labelHeight = text.height() + 3;
                // Label above the box when it fits, otherwise just inside its top edge.
                boolean above = y1 - labelHeight >= 0;
                int top = above ? y1 - labelHeight : y1;
                try (Point l1 = new Point(x1, top);
                     Point l2 = new Point(x1 + text.width(), top + labelHeight);
                     Point origin = new Point(x1, top + labelHeight - 2)) {
                    opencv_imgproc.rectangle(bgr, l1, l2, color, opencv_imgproc.FILLED, opencv_imgproc.LINE_AA, 0);
                    opencv_imgproc.putText(bgr, label, origin, font, fontScale, textColor, fontThickness,
                            opencv_imgproc.LINE_AA, false);
                }
            }
        }
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
