package dev.peregrine.engines;

/**
 * A decoded and letterboxed image waiting for a batch, plus the geometry needed to map boxes back.
 * Holds native memory: the owner closes it (idempotent) once the batch that used it has run.
 */
public interface PreparedImage extends AutoCloseable {

    /** Original image width in pixels. */
    int originalWidth();

    /** Original image height in pixels. */
    int originalHeight();

    /** Bytes of memory this image holds while queued (counted against queue budgets). */
    long bytes();

    /** Releases the native memory. Idempotent. */
    @Override
    void close();
}
