package dev.peregrine.bench.report;

/**
 * How a pipeline's detections compare with Ultralytics' reference predictions on the same images. A reference
 * box is matched by a detection of the same class with IoU >= 0.95 and a score within 0.02 (the tolerance the
 * fixtures recommend for a different JPEG decoder and resize).
 *
 * @param subject             {@code peregrine} or {@code djl ...}
 * @param images              images compared
 * @param referenceDetections boxes in the reference
 * @param detections          boxes the pipeline produced
 * @param matched             reference boxes with a partner
 * @param note                what went wrong or was adjusted, empty when nothing
 */
public record Agreement(String subject, int images, int referenceDetections, int detections, int matched,
        String note) {

    public Agreement {
        note = note == null ? "" : note;
    }

    /** True when every reference box is matched and no extra box was produced. */
    public boolean identical() {
        return matched == referenceDetections && detections == referenceDetections;
    }
}
