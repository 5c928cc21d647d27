package dev.peregrine.server.batch;

/**
 * Observer of one batcher's events, for metrics. Called outside the batcher's lock on batcher or caller threads;
 * implementations must be thread-safe and fast, and must not throw (exceptions are logged and ignored).
 */
public interface BatcherListener {

    /** A listener that ignores everything. */
    BatcherListener NOOP = new BatcherListener() {
    };

    /** {@link DynamicBatcher#submit} refused a request. */
    default void rejected(RejectReason reason) {
    }

    /** A request left the queue into a batch after waiting {@code queuedNanos}. */
    default void dequeued(long queuedNanos) {
    }

    /** A queued request's deadline passed; it was failed with DEADLINE_EXCEEDED. */
    default void expired(long queuedNanos) {
    }

    /** A queued request was removed because its caller cancelled (or otherwise completed) the future. */
    default void cancelled(long queuedNanos) {
    }

    /** A queued request was failed with OVERLOADED because shutdown's grace ran out. */
    default void abandoned(long queuedNanos) {
    }

    /**
     * The runner finished a batch.
     *
     * @param instance  inference thread (engine instance) index
     * @param size      batch size
     * @param runNanos  time spent in {@link BatchRunner#run}
     * @param succeeded false when the runner threw or returned the wrong number of results
     */
    default void batchFinished(int instance, int size, long runNanos, boolean succeeded) {
    }
}
