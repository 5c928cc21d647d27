package dev.peregrine.engines.decode;

import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;

/**
 * Picks the {@link HeadDecoder} for a model from its {@link ModelInfo}: the task and the output layout
 * (anchor-free or end-to-end) decide the decoder and its {@link DetectionExtras}.
 *
 * <ul>
 *   <li>detect: {@link AnchorFreeDecoder} or {@link EndToEndDecoder};</li>
 *   <li>segment: {@link MaskDecoder} around either, with the prototypes of {@code output1};</li>
 *   <li>pose: either, with a {@link KeypointReader};</li>
 *   <li>obb: {@link ObbDecoder} (rotated NMS); end-to-end OBB outputs are UNSUPPORTED;</li>
 *   <li>classify has no boxes: UNSUPPORTED here, decoded by {@link ClassifyDecoder}.</li>
 * </ul>
 */
public final class HeadDecoders {
    /** Mask coefficients per detection of Ultralytics' segmentation heads. */
    public static final int MASK_COEFFICIENTS = 32;

    private HeadDecoders() {
    }

    /**
     * A new decoder for {@code info} (decoders hold scratch state: one per engine instance).
     *
     * @throws PeregrineException UNSUPPORTED for tasks without a box decoder
     */
    public static HeadDecoder forModel(ModelInfo info) throws PeregrineException {
        int nc = info.classCount();
        if (nc < 1 && !info.endToEnd()) {
            throw PeregrineException.badInput("model has no classes (no names metadata and an output layout that "
                    + "does not tell the class count)");
        }
        boolean e2e = info.endToEnd();
        return switch (info.task()) {
            case DETECT -> e2e ? EndToEndDecoder.detect() : AnchorFreeDecoder.detect(nc);
            case SEGMENT -> e2e ? MaskDecoder.endToEnd(MASK_COEFFICIENTS, info.inputWidth(), info.inputHeight())
                    : MaskDecoder.anchorFree(nc, MASK_COEFFICIENTS, info.inputWidth(), info.inputHeight());
            case POSE -> {
                int[] kpt = info.kptShape().length == 0 ? new int[] {17, 3} : info.kptShape();
                if (kpt.length != 2 || kpt[0] < 1 || (kpt[1] != 2 && kpt[1] != 3)) {
                    throw PeregrineException.badInput("pose model has kpt_shape " + java.util.Arrays.toString(kpt)
                            + "; expected [K, 2] or [K, 3]");
                }
                int values = kpt[0] * kpt[1];
                yield e2e ? new EndToEndDecoder(values, new KeypointReader(6, kpt, ExtraLayout.ROWS))
                        : new AnchorFreeDecoder(nc, values, new KeypointReader(4 + nc, kpt, ExtraLayout.ANCHOR_COLUMNS));
            }
            case OBB -> {
                if (e2e) {
                    throw PeregrineException.unsupported("end-to-end oriented-box (obb) outputs are not supported; "
                            + "export the model without end-to-end selection");
                }
                yield new ObbDecoder(nc);
            }
            case CLASSIFY -> throw PeregrineException.unsupported("classify models have no boxes; open them with "
                    + "YoloClassifier (peregrine predict does so by itself)");
        };
    }
}
