package dev.peregrine.engines.eval;

import java.util.List;
import java.util.Map;

/**
 * Computes detection mAP the way Ultralytics {@code val} does and the way pycocotools' {@code COCOeval} does,
 * from labels and predictions in original-image pixels. Fed one image at a time so that a validation run never
 * holds more than the per-prediction match flags in memory.
 *
 * <p>Not thread-safe: one thread adds images, then calls {@link #evaluate()}.
 *
 * <pre>{@code
 * MapEvaluator ev = new MapEvaluator(dataset.names());
 * for (EvalImage img : dataset.images()) ev.add(img, predictionsOf(img));
 * EvalReport report = ev.evaluate();
 * }</pre>
 */
public final class MapEvaluator {
    private final List<String> names;
    private final UltralyticsAccumulator ultralytics;
    private final CocoAccumulator coco;
    private int images;
    private int instances;
    private long predictions;

    /** An evaluator for a data set with these class names (index = class id). */
    public MapEvaluator(List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a data set needs at least one class");
        }
        this.names = List.copyOf(names);
        this.ultralytics = new UltralyticsAccumulator(this.names);
        this.coco = new CocoAccumulator(this.names);
    }

    /**
     * Adds one image. For COCO parity add images in ascending image-id order (pycocotools' order), which both
     * readers of this package produce.
     *
     * @param image       the image and its labels
     * @param predictions its predictions, any order; classes outside the data set are ignored, as pycocotools
     *                    ignores unknown categories and Ultralytics scores only labelled classes
     */
    public void add(EvalImage image, List<Prediction> predictions) {
        List<Prediction> known = predictions.stream()
                .filter(p -> p.classId() >= 0 && p.classId() < names.size()).toList();
        ultralytics.add(image.labels(), known);
        coco.add(image.labels(), known);
        images++;
        instances += (int) image.labels().stream().filter(g -> !g.crowd()).count();
        this.predictions += known.size();
    }

    /** Computes both metric families over the images added so far. */
    public EvalReport evaluate() {
        return new EvalReport(names, images, instances, predictions, ultralytics.compute(), coco.compute());
    }

    /**
     * Evaluates a whole data set against predictions keyed by image id; images without an entry have no
     * predictions.
     */
    public static EvalReport evaluate(EvalDataset dataset, Map<String, List<Prediction>> predictions) {
        MapEvaluator ev = new MapEvaluator(dataset.names());
        for (EvalImage img : dataset.images()) {
            ev.add(img, predictions.getOrDefault(img.id(), List.of()));
        }
        return ev.evaluate();
    }
}
