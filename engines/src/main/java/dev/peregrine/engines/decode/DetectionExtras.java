package dev.peregrine.engines.decode;

import dev.peregrine.engines.Detection;
import dev.peregrine.engines.EngineOutputs;

/**
 * Reads the task payload of one kept detection (mask coefficients and prototypes, keypoints, angle) from the
 * engine outputs. Decoders call it only for detections that survive filtering and NMS, so the cost is per result,
 * not per anchor. Detect models use {@link #NONE}.
 */
@FunctionalInterface
public interface DetectionExtras {

    /** No payload: plain boxes. */
    DetectionExtras NONE = (outputs, image, index) -> null;

    /**
     * The payload of a detection.
     *
     * @param outputs engine outputs of the batch
     * @param image   index of the image in the batch
     * @param index   anchor (anchor-free layout) or row (end-to-end layout) the detection came from
     * @return the payload, or null
     */
    Detection.Extra read(EngineOutputs outputs, int image, int index);
}
