package dev.peregrine.exporter.trt;

import java.time.Duration;

/**
 * Progress of an engine build, for the CLI. TensorRT's own progress callback ({@code IProgressMonitor}) is not
 * subclassable through the javacpp presets, so the builder reports its phases and, during the long TensorRT build
 * phase, a periodic "still working".
 */
public interface BuildProgress {
    /** Ignores everything. */
    BuildProgress NONE = (index, total, description) -> { };

    /** Phase {@code index} of {@code total} starts (1-based). */
    void phase(int index, int total, String description);

    /** The current phase is still running after {@code elapsed}. */
    default void stillWorking(String description, Duration elapsed) {
    }
}
