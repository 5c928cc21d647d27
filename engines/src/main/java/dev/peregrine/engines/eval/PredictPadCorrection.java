package dev.peregrine.engines.eval;

import dev.peregrine.engines.Detection;
import dev.peregrine.engines.image.LetterboxGeometry;

/**
 * Undoes a one-pixel quirk of Ultralytics' predict-time box mapping, which {@code YoloDetector} reproduces on
 * purpose: {@code scale_boxes} subtracts the padding {@code round((W - w0*gain)/2 - 0.1)} computed from the
 * unrounded scaled size, while the letterbox padded by {@code round(dw - 0.1)} with {@code dw} from the rounded
 * size. When the two differ (a 345x240 image at 320: padded 48 rows, 49 subtracted) every box is shifted by
 * {@code 1/gain} original pixels, which costs mAP at the strict IoU thresholds (about 0.45 mAP50-95 points on the
 * trained fixture). Ultralytics' own {@code val} never sees the quirk because it scores in letterbox space; scoring
 * in original pixels, Peregrine moves the boxes back by the difference.
 */
final class PredictPadCorrection {
    private final float dx;
    private final float dy;
    private final int width;
    private final int height;

    private PredictPadCorrection(float dx, float dy, int width, int height) {
        this.dx = dx;
        this.dy = dy;
        this.width = width;
        this.height = height;
    }

    /** The correction for an image letterboxed with {@code g}. */
    static PredictPadCorrection of(LetterboxGeometry g) {
        double gain = Math.min((double) g.dstHeight() / g.srcHeight(), (double) g.dstWidth() / g.srcWidth());
        double padX = Math.rint((g.dstWidth() - g.srcWidth() * gain) / 2 - 0.1);
        double padY = Math.rint((g.dstHeight() - g.srcHeight() * gain) / 2 - 0.1);
        return new PredictPadCorrection((float) ((padX - g.padLeft()) / gain), (float) ((padY - g.padTop()) / gain),
                g.srcWidth(), g.srcHeight());
    }

    /** True when the two paddings agree and nothing moves. */
    boolean isIdentity() {
        return dx == 0 && dy == 0;
    }

    /** {@code d} mapped with the letterbox's true padding, clipped to the image. */
    Detection apply(Detection d) {
        return new Detection(clip(d.x1() + dx, width), clip(d.y1() + dy, height), clip(d.x2() + dx, width),
                clip(d.y2() + dy, height), d.score(), d.classId(), d.extra());
    }

    private static float clip(float v, int max) {
        return Math.max(0f, Math.min(v, max));
    }
}
