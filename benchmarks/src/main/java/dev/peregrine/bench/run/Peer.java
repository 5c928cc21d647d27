package dev.peregrine.bench.run;

import dev.peregrine.bench.report.Agreement;
import dev.peregrine.bench.report.ComparisonRow;
import java.util.List;

/**
 * Another library measured on the same model and images for comparison. Its timed calls join Peregrine's in
 * {@link Interleaved} rounds. Implementations record their own failures as rows or notes instead of throwing, so
 * that one broken configuration does not end the run.
 */
public interface Peer extends AutoCloseable {

    /** Short name for reports, e.g. {@code djl}. */
    String name();

    /** Configurations tried once before timing; rows for those that fail or are not timed. */
    List<ComparisonRow> preflight();

    /** The timed configurations at {@code batch}. */
    List<Subject> subjects(int batch);

    /** Detection agreement of each configuration with the reference. */
    List<Agreement> agreements(ReferenceCheck check);

    /** What the peer needed adjusting, what failed and why, for the report's notes. */
    List<String> notes();

    /** Frees the peer's models. Idempotent. */
    @Override
    void close();
}
