package dev.peregrine.engines.eval;

/**
 * Ultralytics-style figures of one class.
 *
 * @param classId   class index
 * @param name      class name
 * @param images    images that contain at least one label of the class
 * @param instances labels of the class
 * @param precision precision at the confidence of maximum mean F1
 * @param recall    recall at that confidence
 * @param ap        AP at IoU 0.50, 0.55, ..., 0.95 (10 values)
 */
public record ClassMetrics(int classId, String name, int images, int instances, double precision, double recall,
                           double[] ap) {

    public ClassMetrics {
        ap = ap.clone();
    }

    @Override
    public double[] ap() {
        return ap.clone();
    }

    /** AP at IoU 0.50. */
    public double ap50() {
        return ap[0];
    }

    /** AP at IoU 0.75. */
    public double ap75() {
        return ap[5];
    }

    /** AP averaged over IoU 0.50:0.95. */
    public double ap5095() {
        double s = 0;
        for (double v : ap) {
            s += v;
        }
        return s / ap.length;
    }
}
