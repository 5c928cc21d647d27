package dev.peregrine.engines.image;

import dev.peregrine.engines.Detection;

/**
 * Where an image lands inside the model input after letterboxing, with the mapping back to original pixels.
 * Reproduces Ultralytics' {@code LetterBox(auto=False, scaleup=True, center=True)}: scale by
 * {@code r = min(H/h0, W/w0)} (up or down), resize to {@code (round(w0*r), round(h0*r))} with Python's
 * round-half-even, and pad centred with {@code top = round(dh - 0.1)}, {@code left = round(dw - 0.1)}, where
 * {@code dw, dh} are half the padding. The 0.1 bias sends the odd pixel of an odd padding to the bottom/right.
 *
 * @param srcWidth  original image width
 * @param srcHeight original image height
 * @param dstWidth  model input width
 * @param dstHeight model input height
 * @param scale     the resize ratio {@code r} (input pixels per original pixel)
 * @param newWidth  width of the resized image inside the input
 * @param newHeight height of the resized image inside the input
 * @param padLeft   columns of padding left of the image
 * @param padTop    rows of padding above the image
 */
public record LetterboxGeometry(int srcWidth, int srcHeight, int dstWidth, int dstHeight, float scale, int newWidth,
                                int newHeight, int padLeft, int padTop) {

    /** Validates the sizes. */
    public LetterboxGeometry {
        if (srcWidth <= 0 || srcHeight <= 0 || dstWidth <= 0 || dstHeight <= 0) {
            throw new IllegalArgumentException("letterbox sizes must be positive: source " + srcWidth + "x"
                    + srcHeight + ", destination " + dstWidth + "x" + dstHeight);
        }
    }

    /**
     * The Ultralytics letterbox of a {@code srcW x srcH} image into a {@code dstW x dstH} input.
     *
     * @throws IllegalArgumentException when a size is not positive
     */
    public static LetterboxGeometry of(int srcW, int srcH, int dstW, int dstH) {
        if (srcW <= 0 || srcH <= 0 || dstW <= 0 || dstH <= 0) {
            throw new IllegalArgumentException("letterbox sizes must be positive: source " + srcW + "x" + srcH
                    + ", destination " + dstW + "x" + dstH);
        }
        // Python computes in double: r = min(new_h / h0, new_w / w0); new_unpad = round(w0 * r), round(h0 * r).
        double r = Math.min((double) dstH / srcH, (double) dstW / srcW);
        int newW = (int) Math.rint(srcW * r);
        int newH = (int) Math.rint(srcH * r);
        double dw = (dstW - newW) / 2.0;
        double dh = (dstH - newH) / 2.0;
        int left = (int) Math.rint(dw - 0.1);
        int top = (int) Math.rint(dh - 0.1);
        return new LetterboxGeometry(srcW, srcH, dstW, dstH, (float) r, newW, newH, left, top);
    }

    /** Columns of padding right of the image. */
    public int padRight() {
        return dstWidth - newWidth - padLeft;
    }

    /** Rows of padding below the image. */
    public int padBottom() {
        return dstHeight - newHeight - padTop;
    }

    /** True when letterboxing changes the image size (a resize is needed). */
    public boolean resizes() {
        return newWidth != srcWidth || newHeight != srcHeight;
    }

    /**
     * Maps a detection from model-input pixels to original-image pixels: subtract the padding, divide by the
     * scale, clip to {@code [0, srcWidth] x [0, srcHeight]} (Ultralytics' {@code scale_boxes} + {@code clip_boxes}).
     * Score, class and {@link Detection#extra()} are kept as they are.
     */
    public Detection toOriginal(Detection d) {
        return new Detection(
                clip((d.x1() - padLeft) / scale, srcWidth),
                clip((d.y1() - padTop) / scale, srcHeight),
                clip((d.x2() - padLeft) / scale, srcWidth),
                clip((d.y2() - padTop) / scale, srcHeight),
                d.score(), d.classId(), d.extra());
    }

    /** Maps a point from model-input pixels to original-image pixels, without clipping. */
    public float[] toOriginalPoint(float x, float y) {
        return new float[] {(x - padLeft) / scale, (y - padTop) / scale};
    }

    private static float clip(float v, int max) {
        return Math.max(0f, Math.min(v, max));
    }
}
