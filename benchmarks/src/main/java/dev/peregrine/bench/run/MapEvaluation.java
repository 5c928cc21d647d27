package dev.peregrine.bench.run;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.eval.DetectorValidator;
import dev.peregrine.engines.eval.EvalDataset;
import dev.peregrine.engines.eval.UltralyticsMetrics;
import dev.peregrine.engines.eval.YoloDataset;
import dev.peregrine.engines.pipeline.YoloDetector;
import java.nio.file.Path;

/**
 * mAP of a detector on a labelled data set for {@code --data}: {@link DetectorValidator} with Ultralytics' val
 * settings (conf 0.001, IoU 0.7, multi-label), scored the way Ultralytics {@code val} scores.
 */
public final class MapEvaluation {
    private MapEvaluation() {
    }

    /**
     * mAP50 and mAP50-95 of {@code detector} on {@code data}.
     *
     * @param batch images per detector call
     * @throws PeregrineException NOT_FOUND / BAD_INPUT for a missing or malformed data set or image
     */
    public static double[] evaluate(YoloDetector detector, Path data, int batch, BenchProgress progress)
            throws PeregrineException {
        EvalDataset dataset = YoloDataset.read(data, detector.info().names());
        int total = dataset.images().size();
        int[] done = {0};
        long start = System.nanoTime();
        DetectorValidator.Result r = DetectorValidator.run(detector, dataset, DetectOptions.validation(), batch, n -> {
            done[0] += n;
            progress.measuring("mAP on " + total + " images", false, (System.nanoTime() - start) / 1e9, 0, done[0]);
        });
        UltralyticsMetrics m = r.report().ultralytics();
        return new double[] {m.map50(), m.map()};
    }
}
