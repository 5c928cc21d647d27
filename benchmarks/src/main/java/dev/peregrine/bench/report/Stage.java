package dev.peregrine.bench.report;

/** Which part of the image-to-detections path a comparison row measured. */
public enum Stage {
    /** Only the runtime's inference call on a tensor made beforehand. */
    MODEL_RUN("model run (pre-made tensor)"),
    /** Image decoding, pre-processing into the input tensor and the model call; no output decoding. */
    PRE_AND_RUN("decode + pre-process + model run"),
    /** Encoded image bytes to detections in original-image pixels. */
    END_TO_END("end-to-end (bytes to detections)");

    private final String label;

    Stage(String label) {
        this.label = label;
    }

    /** Human-readable description for reports. */
    public String label() {
        return label;
    }
}
