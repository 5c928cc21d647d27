package dev.peregrine.engines.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * An image prepared for a classifier the way Ultralytics' classification predictor does it
 * ({@code classify_transforms}: torchvision {@code Resize(size)} on a PIL image, then {@code CenterCrop(size)}):
 * the short side is resized to the model size with Pillow's bilinear filter (antialiased when reducing,
 * {@link PilBilinear}), the long side to {@code int(size * long / short)}, and the centre
 * {@code size x size} is kept (offset {@code round((resized - size) / 2)}, Python rounding). For a non-square model
 * input both sides are resized to it, as {@code Resize((h, w))} does. Owns its Mat; {@link #close()} is idempotent
 * and thread-safe.
 */
public final class CenterCropImage extends OwnedMatImage {
    private final int originalWidth;
    private final int originalHeight;

    private CenterCropImage(Mat mat, int originalWidth, int originalHeight) {
        super(mat, "cropped image");
        this.originalWidth = originalWidth;
        this.originalHeight = originalHeight;
    }

    /**
     * Resizes and centre-crops a BGR image to {@code width x height}.
     *
     * @param bgr a non-empty CV_8UC3 image; not taken over
     * @throws IllegalArgumentException when {@code bgr} is empty or not CV_8UC3, or a size is not positive
     */
    public static CenterCropImage of(Mat bgr, int width, int height) {
        if (bgr == null || bgr.isNull() || bgr.empty() || bgr.type() != CV_8UC3) {
            throw new IllegalArgumentException("centre crop needs a non-empty CV_8UC3 BGR image");
        }
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("crop size must be positive, got " + width + "x" + height);
        }
        int w = bgr.cols();
        int h = bgr.rows();
        int[] resized = resizedSize(w, h, width, height);
        int left = (int) Math.rint((resized[0] - width) / 2.0);
        int top = (int) Math.rint((resized[1] - height) / 2.0);
        return new CenterCropImage(PilBilinear.resizeWindow(bgr, resized[0], resized[1], left, top, width, height),
                w, h);
    }

    /**
     * torchvision's {@code Resize} output size {@code [w, h]}: for a square target the short side becomes the size
     * and the long side {@code int(size * long / short)} (at least the size); otherwise exactly the target.
     */
    static int[] resizedSize(int w, int h, int targetW, int targetH) {
        if (targetW != targetH) {
            return new int[] {targetW, targetH};
        }
        int size = targetW;
        int shortSide = Math.min(w, h);
        int longSide = Math.max(w, h);
        int newLong = Math.max(size, (int) ((long) size * longSide / shortSide));
        return w <= h ? new int[] {size, newLong} : new int[] {newLong, size};
    }

    @Override
    public int originalWidth() {
        return originalWidth;
    }

    @Override
    public int originalHeight() {
        return originalHeight;
    }
}
