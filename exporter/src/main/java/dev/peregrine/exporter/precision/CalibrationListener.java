package dev.peregrine.exporter.precision;

/** Progress of INT8 calibration, for a progress bar. Called on the calibrating thread; return quickly. */
@FunctionalInterface
public interface CalibrationListener {
    /** Ignores progress. */
    CalibrationListener NONE = (done, total) -> { };

    /** {@code done} of {@code total} calibration images have been run. */
    void imagesDone(int done, int total);
}
