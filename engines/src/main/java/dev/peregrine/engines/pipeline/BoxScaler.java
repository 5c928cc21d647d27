package dev.peregrine.engines.pipeline;

import dev.peregrine.engines.Detection;
import dev.peregrine.engines.decode.ImageMapping;
import dev.peregrine.engines.decode.InstanceMask;
import dev.peregrine.engines.decode.Keypoints;
import dev.peregrine.engines.decode.ObbDecoder;
import dev.peregrine.engines.decode.OrientedBox;
import dev.peregrine.engines.image.LetterboxGeometry;

/**
 * Maps detections from model-input pixels back to the original image exactly as Ultralytics' predictor does.
 *
 * <ul>
 *   <li>Boxes: {@code ops.scale_boxes} + {@code clip_boxes}: {@code gain = min(H/h0, W/w0)}, padding
 *       {@code round((W - w0*gain)/2 - 0.1)} computed from the <em>unrounded</em> scaled size, subtract, divide,
 *       clip.</li>
 *   <li>Rotated boxes ({@link OrientedBox}): {@code scale_boxes(..., xywh=True)}: the centre moves by the same
 *       rounded padding, centre and size are divided by the gain, nothing is clipped (Ultralytics' OBB results are
 *       not); the detection's box is the box around the mapped corners.</li>
 *   <li>Keypoints: {@code ops.scale_coords} ({@link ImageMapping}: unrounded padding), clipped to the image.</li>
 *   <li>Masks stay at input resolution (as Ultralytics' {@code masks.data}) and get the {@link ImageMapping}.</li>
 * </ul>
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
    private final ImageMapping points;

    private BoxScaler(float gain, float padX, float padY, int srcWidth, int srcHeight, ImageMapping points) {
        this.gain = gain;
        this.padX = padX;
        this.padY = padY;
        this.srcWidth = srcWidth;
        this.srcHeight = srcHeight;
        this.points = points;
    }

    /** The mapping for an image letterboxed with {@code g}. */
    static BoxScaler of(LetterboxGeometry g) {
        double gain = Math.min((double) g.dstHeight() / g.srcHeight(), (double) g.dstWidth() / g.srcWidth());
        // Math.rint rounds half to even, like Python's round().
        double padX = Math.rint((g.dstWidth() - g.srcWidth() * gain) / 2 - 0.1);
        double padY = Math.rint((g.dstHeight() - g.srcHeight() * gain) / 2 - 0.1);
        return new BoxScaler((float) gain, (float) padX, (float) padY, g.srcWidth(), g.srcHeight(),
                ImageMapping.letterbox(g.dstWidth(), g.dstHeight(), g.srcWidth(), g.srcHeight()));
    }

    /** The detection and its task payload in original-image pixels. */
    Detection toOriginal(Detection d) {
        Detection.Extra extra = d.extra();
        if (extra instanceof OrientedBox box) {
            OrientedBox mapped = new OrientedBox((box.cx() - padX) / gain, (box.cy() - padY) / gain,
                    box.width() / gain, box.height() / gain, box.angle());
            return ObbDecoder.withBox(mapped, d.score(), d.classId());
        }
        if (extra instanceof Keypoints k) {
            extra = mapKeypoints(k);
        } else if (extra instanceof InstanceMask mask) {
            extra = mask.withMapping(points);
        }
        return new Detection(
                clip((d.x1() - padX) / gain, srcWidth),
                clip((d.y1() - padY) / gain, srcHeight),
                clip((d.x2() - padX) / gain, srcWidth),
                clip((d.y2() - padY) / gain, srcHeight),
                d.score(), d.classId(), extra);
    }

    private Keypoints mapKeypoints(Keypoints k) {
        float[] xy = k.coordinates();
        for (int i = 0; i < xy.length; i += 2) {
            xy[i] = points.x(xy[i]);
            xy[i + 1] = points.y(xy[i + 1]);
        }
        return k.withCoordinates(xy);
    }

    private static float clip(float v, int max) {
        return Math.max(0f, Math.min(v, max));
    }
}
