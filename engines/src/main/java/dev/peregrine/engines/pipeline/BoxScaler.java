package dev.peregrine.engines.pipeline;

import dev.peregrine.engines.Detection;
import dev.peregrine.engines.image.LetterboxGeometry;

/**
 * Maps boxes from model-input pixels back to the original image exactly as Ultralytics' predictor does
 * ({@code ops.scale_boxes} + {@code clip_boxes}): {@code gain = min(H/h0, W/w0)}, padding
 * {@code round((W - w0*gain)/2 - 0.1)} computed from the <em>unrounded</em> scaled size, subtract, divide, clip.
 *
 * <p>Why not {@link LetterboxGeometry#toOriginal}: the letterbox pads by {@code round(dh - 0.1)} with {@code dh}
 * from the <em>rounded</em> resized size, and when {@code h0*gain} is not an integer the two formulas can differ by
 * one input pixel (e.g. 345x240 at 320: the image sits 48 px down, {@code scale_boxes} subtracts 49). Ultralytics'
 * output is the reference this project reproduces, so boxes are mapped its way; the difference is at most one input
 * pixel, {@code 1/gain} original pixels.
 */
final class BoxScaler {
    private final float gain;
    private final float padX;
    private final float padY;
    private final int srcWidth;
    private final int srcHeight;

    private BoxScaler(float gain, float padX, float padY, int srcWidth, int srcHeight) {
        this.gain = gain;
        this.padX = padX;
        this.padY = padY;
        this.srcWidth = srcWidth;
        this.srcHeight = srcHeight;
    }

    /** The mapping for an image letterboxed with {@code g}. */
    static BoxScaler of(LetterboxGeometry g) {
        double gain = Math.min((double) g.dstHeight() / g.srcHeight(), (double) g.dstWidth() / g.srcWidth());
        // Math.rint rounds half to even, like Python's round().
        double padX = Math.rint((g.dstWidth() - g.srcWidth() * gain) / 2 - 0.1);
        double padY = Math.rint((g.dstHeight() - g.srcHeight() * gain) / 2 - 0.1);
        return new BoxScaler((float) gain, (float) padX, (float) padY, g.srcWidth(), g.srcHeight());
    }

    /** The detection in original-image pixels, clipped to the image; {@code extra} is kept as is. */
    Detection toOriginal(Detection d) {
        return new Detection(
                clip((d.x1() - padX) / gain, srcWidth),
                clip((d.y1() - padY) / gain, srcHeight),
                clip((d.x2() - padX) / gain, srcWidth),
                clip((d.y2() - padY) / gain, srcHeight),
                d.score(), d.classId(), d.extra());
    }

    private static float clip(float v, int max) {
        return Math.max(0f, Math.min(v, max));
    }
}
