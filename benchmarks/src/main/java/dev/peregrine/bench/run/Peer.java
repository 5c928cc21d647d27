package dev.peregrine.bench.run;

import dev.peregrine.bench.report.Agreement;
import dev.peregrine.bench.report.ComparisonRow;
import java.time.Duration;
import java.util.List;

/**
 * Another library measured on the same model and images for comparison. Implementations record their own
 * failures as rows with a reason instead of throwing, so that one broken configuration does not end the run.
 */
public interface Peer extends AutoCloseable {

    /** Short name for reports, e.g. {@code djl}. */
    String name();

    /** Measures every configuration of the peer at each batch size. */
    List<ComparisonRow> measure(List<Integer> batches, Duration warmUp, Duration duration, BenchProgress progress);

    /** Detection agreement of each configuration with the reference. */
    List<Agreement> agreements(ReferenceCheck check);

    /** What the peer needed adjusting, what failed and why, for the report's notes. */
    List<String> notes();

    /** Frees the peer's models. Idempotent. */
    @Override
    void close();
}
