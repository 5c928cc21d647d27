package dev.peregrine.engines.decode;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.EngineOutputs;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decoder of segmentation heads: boxes and classes from {@code output0} by a wrapped box decoder (anchor-free with
 * NMS, or end-to-end), then one {@link InstanceMask} per kept detection from its mask coefficients and the
 * prototypes {@code output1 [B, nm, mh, mw]}, the way Ultralytics' predictor does with its default
 * {@code retina_masks=False} ({@code ops.process_mask(..., upsample=True)}):
 * <ol>
 *   <li>{@code coefficients @ prototypes} (logits at prototype resolution);</li>
 *   <li>cropped to the box scaled to prototype resolution and rounded to whole prototype pixels
 *       ({@code crop_mask}), with Python's slice semantics as in Ultralytics 8.4.7: {@code mask[:y1] = 0} with a
 *       negative {@code y1} (a box reaching more than half a prototype pixel above or left of the input) counts
 *       from the end and blanks nearly the whole mask, so such detections usually end up dropped (step 5). Later
 *       Ultralytics versions clamp the box at 0; {@link #CLAMP_NEGATIVE_CROP} switches to that;</li>
 *   <li>bilinear upsampling to the model input size ({@code F.interpolate}, {@code align_corners=False});</li>
 *   <li>pixels with a logit above 0 (sigmoid above 0.5) form the mask;</li>
 *   <li>detections whose mask is empty are dropped, as Ultralytics does.</li>
 * </ol>
 * Only the window of the input that the cropped logits can reach is computed and stored. Not thread-safe.
 */
public final class MaskDecoder implements HeadDecoder {
    /**
     * False: crop like Ultralytics 8.4.7 (the reference of this project), where a negative rounded box edge is a
     * Python slice index from the end. True would clamp it at 0 like later Ultralytics versions.
     */
    static final boolean CLAMP_NEGATIVE_CROP = false;

    private final HeadDecoder boxes;
    private final int maskCount;
    private final int inputWidth;
    private final int inputHeight;
    private final Axis columns = new Axis();
    private final Axis rows = new Axis();
    private float[] logits = new float[0];
    private float[] row = new float[0];
    private float[] horizontal = new float[0];

    /** The mask coefficients of a kept detection, until the mask replaces them. */
    record Coefficients(float[] values) implements Detection.Extra {
    }

    private MaskDecoder(HeadDecoder boxes, int maskCount, int inputWidth, int inputHeight) {
        if (maskCount < 1 || inputWidth < 1 || inputHeight < 1) {
            throw new IllegalArgumentException("mask decoder needs nm >= 1 and a positive input size, got " + maskCount
                    + ", " + inputWidth + "x" + inputHeight);
        }
        this.boxes = boxes;
        this.maskCount = maskCount;
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
    }

    /**
     * For the anchor-free layout {@code [B, 4 + nc + nm, N]} (YOLOv8/11 segment).
     *
     * @param inputWidth  model input width (the mask canvas)
     * @param inputHeight model input height
     */
    public static MaskDecoder anchorFree(int classCount, int maskCount, int inputWidth, int inputHeight) {
        return new MaskDecoder(new AnchorFreeDecoder(classCount, maskCount,
                coefficients(4 + classCount, maskCount, ExtraLayout.ANCHOR_COLUMNS)), maskCount, inputWidth,
                inputHeight);
    }

    /** For the end-to-end layout {@code [B, K, 6 + nm]} (YOLO26 segment). */
    public static MaskDecoder endToEnd(int maskCount, int inputWidth, int inputHeight) {
        return new MaskDecoder(new EndToEndDecoder(maskCount, coefficients(6, maskCount, ExtraLayout.ROWS)),
                maskCount, inputWidth, inputHeight);
    }

    private static DetectionExtras coefficients(int firstChannel, int count, ExtraLayout layout) {
        return (outputs, image, index) -> {
            EngineOutputs.OutputTensor out = outputs.get(0);
            float[] v = new float[count];
            for (int c = 0; c < count; c++) {
                v[c] = layout.value(out, image, index, firstChannel + c);
            }
            return new Coefficients(v);
        };
    }

    @Override
    public List<Detection> decode(EngineOutputs outputs, int image, DetectOptions options) throws PeregrineException {
        List<Detection> found = boxes.decode(outputs, image, options);
        if (found.isEmpty()) {
            return found;
        }
        if (outputs.size() < 2) {
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "segmentation model has no prototype output "
                    + "(output1)");
        }
        EngineOutputs.OutputTensor protos = outputs.get(1);
        long[] s = protos.shape();
        if (s.length != 4 || s[1] != maskCount || image >= s[0] || s[2] < 1 || s[3] < 1) {
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "segmentation decoder expects prototypes [B, "
                    + maskCount + ", H, W], got " + Arrays.toString(s));
        }
        int mh = (int) s[2];
        int mw = (int) s[3];
        rows.prepare(mh, inputHeight);
        columns.prepare(mw, inputWidth);
        int base = Math.multiplyExact(image, Math.multiplyExact(maskCount, mh * mw));
        // Ultralytics multiplies the float32 boxes by float32 ratios mw / W, mh / H.
        float rx = (float) (mw / (double) inputWidth);
        float ry = (float) (mh / (double) inputHeight);
        List<Detection> result = new ArrayList<>(found.size());
        for (Detection d : found) {
            float[] coeffs = ((Coefficients) d.extra()).values();
            InstanceMask mask = mask(protos.data(), base, mh, mw, coeffs, d.x1() * rx, d.y1() * ry, d.x2() * rx,
                    d.y2() * ry);
            if (mask != null) {
                result.add(new Detection(d.x1(), d.y1(), d.x2(), d.y2(), d.score(), d.classId(), mask));
            }
        }
        return result;
    }

    /** The mask of one detection whose box at prototype resolution is given, or null when it is empty. */
    private InstanceMask mask(FloatBuffer protos, int base, int mh, int mw, float[] coeffs, float bx1, float by1,
            float bx2, float by2) {
        // crop_mask: box rounded half-to-even to whole prototype pixels; the kept window is what survives
        // mask[:y1] = 0, mask[y2:] = 0, mask[:, :x1] = 0, mask[:, x2:] = 0.
        int cx1 = sliceStart((int) Math.rint(bx1), mw);
        int cy1 = sliceStart((int) Math.rint(by1), mh);
        int cx2 = sliceStart((int) Math.rint(bx2), mw);
        int cy2 = sliceStart((int) Math.rint(by2), mh);
        if (cx2 <= cx1 || cy2 <= cy1) {
            return null;
        }
        int cw = cx2 - cx1;
        int ch = cy2 - cy1;
        if (logits.length < cw * ch) {
            logits = new float[mh * mw];
        }
        if (row.length < cw) {
            row = new float[mw];
        }
        // coefficients @ prototypes over the crop, channel by channel (the sum runs over c in order, as before).
        java.util.Arrays.fill(logits, 0, cw * ch, 0f);
        int plane = mh * mw;
        for (int c = 0; c < maskCount; c++) {
            float k = coeffs[c];
            for (int y = 0; y < ch; y++) {
                protos.get(base + c * plane + (cy1 + y) * mw + cx1, row, 0, cw);
                int o = y * cw;
                for (int x = 0; x < cw; x++) {
                    logits[o + x] += k * row[x];
                }
            }
        }
        int left = columns.first(cx1, cx2);
        int right = columns.last(cx1, cx2);
        int top = rows.first(cy1, cy2);
        int bottom = rows.last(cy1, cy2);
        if (left < 0 || top < 0) {
            return null;
        }
        int ww = right - left + 1;
        int wh = bottom - top + 1;
        // Bilinear upsampling, separably: the inner terms w0 * v(y, x0) + w1 * v(y, x1) depend only on the source row
        // and the output column, so computing them once per crop row gives torch's
        // h0 * (w0 * v00 + w1 * v01) + h1 * (w0 * v10 + w1 * v11) value for value.
        if (horizontal.length < ch * ww) {
            horizontal = new float[Math.max(ch * ww, horizontal.length * 2)];
        }
        for (int y = 0; y < ch; y++) {
            int o = y * ww;
            for (int ox = 0; ox < ww; ox++) {
                int x = left + ox;
                float lx1 = columns.weight[x];
                horizontal[o + ox] = (1f - lx1) * at(y, columns.low[x] - cx1, cw, ch)
                        + lx1 * at(y, columns.high[x] - cx1, cw, ch);
            }
        }
        byte[] bits = new byte[ww * wh];
        int count = 0;
        for (int oy = 0; oy < wh; oy++) {
            int y = top + oy;
            int y0 = rows.low[y] - cy1;
            int y1 = rows.high[y] - cy1;
            float ly1 = rows.weight[y];
            float ly0 = 1f - ly1;
            boolean in0 = y0 >= 0 && y0 < ch;
            boolean in1 = y1 >= 0 && y1 < ch;
            for (int ox = 0; ox < ww; ox++) {
                float v = ly0 * (in0 ? horizontal[y0 * ww + ox] : 0f) + ly1 * (in1 ? horizontal[y1 * ww + ox] : 0f);
                if (v > 0f) {
                    bits[oy * ww + ox] = 1;
                    count++;
                }
            }
        }
        return count == 0 ? null : new InstanceMask(inputWidth, inputHeight, left, top, ww, wh, bits);
    }

    /** A cropped logit; zero outside the crop (crop_mask zeroes it there). */
    private float at(int y, int x, int cw, int ch) {
        return y >= 0 && x >= 0 && y < ch && x < cw ? logits[y * cw + x] : 0f;
    }

    /**
     * Where a Python slice bound {@code i} falls in a sequence of length {@code n}: {@code min(i, n)}, or for a
     * negative index {@code max(n + i, 0)} (0 when {@link #CLAMP_NEGATIVE_CROP}).
     */
    static int sliceStart(int i, int n) {
        if (i >= 0) {
            return Math.min(i, n);
        }
        return CLAMP_NEGATIVE_CROP ? 0 : Math.max(n + i, 0);
    }

    /**
     * Bilinear source indices and weights of one axis for torch's {@code upsample_bilinear2d} with
     * {@code align_corners=False} and the output size given: {@code src = max(scale * (dst + 0.5) - 0.5, 0)} with
     * {@code scale = in / out} in float32, lower index {@code floor(src)}, upper index the next one (or the same at
     * the border), weight of the upper one {@code src - floor(src)}. Cached for the current sizes.
     */
    private static final class Axis {
        int[] low = new int[0];
        int[] high = new int[0];
        float[] weight = new float[0];
        private int in = -1;
        private int out = -1;

        void prepare(int inSize, int outSize) {
            if (inSize == in && outSize == out) {
                return;
            }
            low = new int[outSize];
            high = new int[outSize];
            weight = new float[outSize];
            float scale = (float) inSize / outSize;
            for (int d = 0; d < outSize; d++) {
                float src = Math.max(scale * (d + 0.5f) - 0.5f, 0f);
                int i0 = (int) src;
                low[d] = i0;
                high[d] = i0 < inSize - 1 ? i0 + 1 : i0;
                weight[d] = src - i0;
            }
            in = inSize;
            out = outSize;
        }

        /** First output index with a source in {@code [from, to)}, or -1. */
        int first(int from, int to) {
            for (int d = 0; d < out; d++) {
                if (touches(d, from, to)) {
                    return d;
                }
            }
            return -1;
        }

        /** Last output index with a source in {@code [from, to)}, or -1. */
        int last(int from, int to) {
            for (int d = out - 1; d >= 0; d--) {
                if (touches(d, from, to)) {
                    return d;
                }
            }
            return -1;
        }

        private boolean touches(int d, int from, int to) {
            return low[d] >= from && low[d] < to || high[d] >= from && high[d] < to;
        }
    }
}
