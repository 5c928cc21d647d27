package dev.peregrine.engines.eval;

import java.util.List;

/**
 * Result of one evaluation: Ultralytics-style and COCO-style figures of the same predictions.
 *
 * @param names       class names of the data set
 * @param images      images evaluated
 * @param instances   labelled objects (crowd regions excluded)
 * @param predictions predictions evaluated
 * @param ultralytics Ultralytics {@code val} figures
 * @param coco        pycocotools bbox figures
 */
public record EvalReport(List<String> names, int images, int instances, long predictions,
                         UltralyticsMetrics ultralytics, CocoMetrics coco) {

    public EvalReport {
        names = List.copyOf(names);
    }
}
