package dev.peregrine.engines.decode;

import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the {@link HeadDecoder} for a model from its {@link ModelInfo}: the output layout (anchor-free or
 * end-to-end) decides the decoder, the task decides the {@link DetectionExtras}.
 *
 * <p>Detect models are fully supported. Segment and pose heads share the detect layout plus extra rows, so their
 * boxes decode exactly as Ultralytics' (masks and keypoints are not produced yet; a warning says so). OBB needs
 * rotated-box NMS and classify has no boxes: both are UNSUPPORTED for now.
 */
public final class HeadDecoders {
    private static final Logger LOG = LoggerFactory.getLogger(HeadDecoders.class);

    private HeadDecoders() {
    }

    /**
     * A new decoder for {@code info} (decoders hold scratch state: one per engine instance).
     *
     * @throws PeregrineException UNSUPPORTED for tasks without a decoder
     */
    public static HeadDecoder forModel(ModelInfo info) throws PeregrineException {
        int extra = switch (info.task()) {
            case DETECT -> 0;
            case SEGMENT -> 32;
            case POSE -> {
                int n = 1;
                for (int d : info.kptShape()) {
                    n *= d;
                }
                yield info.kptShape().length == 0 ? 51 : n;
            }
            case OBB -> throw PeregrineException.unsupported("oriented-box (obb) models need rotated NMS, which "
                    + "Peregrine does not implement yet");
            case CLASSIFY -> throw PeregrineException.unsupported("classify models have no boxes; Peregrine's "
                    + "detector decodes detection heads only");
        };
        if (extra > 0) {
            LOG.warn("{} model: decoding boxes only ({} {} values per detection are not decoded yet)",
                    info.task().ultralyticsName(), extra, info.task().ultralyticsName());
        }
        if (info.endToEnd()) {
            return new EndToEndDecoder(extra, DetectionExtras.NONE);
        }
        if (info.classCount() < 1) {
            throw PeregrineException.badInput("model has no classes (no names metadata and an output layout that "
                    + "does not tell the class count)");
        }
        return new AnchorFreeDecoder(info.classCount(), extra, DetectionExtras.NONE);
    }
}
