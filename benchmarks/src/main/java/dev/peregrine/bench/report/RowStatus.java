package dev.peregrine.bench.report;

/** Outcome of one measurement: measured, skipped before running (with the reason), or failed while running. */
public enum RowStatus {
    /** Measured; the figures are valid. */
    OK,
    /** Not run, because this machine or build cannot (the reason says why). */
    SKIPPED,
    /** Started but failed (the reason holds the error). */
    FAILED
}
