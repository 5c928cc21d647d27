package dev.peregrine.bench.run;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.pipeline.YoloDetector;
import java.nio.file.Path;

/**
 * mAP of a detector on a labelled data set, for the {@code --data} option. The evaluator lives in
 * {@code dev.peregrine.engines.eval}; while this build lacks it, {@link #unavailableReason()} says so and the
 * report leaves the mAP columns empty.
 */
public final class MapEvaluation {
    private MapEvaluation() {
    }

    /**
     * mAP50 and mAP50-95 (Ultralytics' definition) of {@code detector} on {@code data}.
     *
     * @throws PeregrineException UNSUPPORTED while the evaluator is missing from the build
     */
    public static double[] evaluate(YoloDetector detector, Path data, BenchProgress progress)
            throws PeregrineException {
        throw PeregrineException.unsupported(unavailableReason());
    }

    /** Why mAP cannot be computed in this build, or null when it can. */
    public static String unavailableReason() {
        return "mAP needs the evaluator (dev.peregrine.engines.eval), which is not in this build yet";
    }
}
