package dev.peregrine.engines.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * An image letterboxed to the model input size: a BGR uint8 {@link Mat} of {@code dstHeight x dstWidth} plus the
 * {@link LetterboxGeometry} that maps detections back. It owns its Mat; {@link #close()} frees it and may be
 * called any number of times, from any thread.
 */
public final class LetterboxedImage extends OwnedMatImage {
    /** Ultralytics' padding grey. */
    public static final int PAD_VALUE = 114;

    private final LetterboxGeometry geometry;

    private LetterboxedImage(Mat mat, LetterboxGeometry geometry) {
        super(mat, "letterboxed image");
        this.geometry = geometry;
    }

    /**
     * Letterboxes a BGR image into a new {@code dstH x dstW} image: bilinear resize (only when the size changes,
     * as Ultralytics does) into the centre, grey 114 around it.
     *
     * @param bgr  a non-empty CV_8UC3 image; not taken over, the caller still closes it
     * @param dstW model input width
     * @param dstH model input height
     * @throws IllegalArgumentException when {@code bgr} is empty or not CV_8UC3, or a size is not positive
     */
    public static LetterboxedImage of(Mat bgr, int dstW, int dstH) {
        if (bgr == null || bgr.isNull() || bgr.empty() || bgr.type() != CV_8UC3) {
            throw new IllegalArgumentException("letterbox needs a non-empty CV_8UC3 BGR image, got "
                    + (bgr == null || bgr.isNull() ? "null" : bgr.empty() ? "an empty Mat" : "type " + bgr.type()));
        }
        LetterboxGeometry g = LetterboxGeometry.of(bgr.cols(), bgr.rows(), dstW, dstH);
        Mat out = new Mat(dstH, dstW, CV_8UC3);
        try (Scalar grey = new Scalar(PAD_VALUE, PAD_VALUE, PAD_VALUE, 0);
             Rect inner = new Rect(g.padLeft(), g.padTop(), g.newWidth(), g.newHeight());
             Mat roi = out.apply(inner)) {
            // Filling everything and then writing the image into its window gives the same pixels as
            // Ultralytics' resize + copyMakeBorder, without an intermediate resized Mat.
            out.put(grey);
            if (g.resizes()) {
                try (Size size = new Size(g.newWidth(), g.newHeight())) {
                    opencv_imgproc.resize(bgr, roi, size, 0, 0, opencv_imgproc.INTER_LINEAR);
                }
            } else {
                bgr.copyTo(roi);
            }
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return new LetterboxedImage(out, g);
    }

    /** How the original image maps into this one. */
    public LetterboxGeometry geometry() {
        return geometry;
    }

    @Override
    public int originalWidth() {
        return geometry.srcWidth();
    }

    @Override
    public int originalHeight() {
        return geometry.srcHeight();
    }
}
