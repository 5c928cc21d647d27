package dev.peregrine.server.batch;

/**
 * The part of a batcher's queue state that the batch decision depends on. Expired requests are removed before a
 * view is taken, so every request it describes is still live.
 *
 * @param items            live queued requests
 * @param oldestEnqueuedAt clock reading when the oldest queued request arrived (ignored when {@code items == 0})
 * @param earliestDeadline earliest deadline among queued requests, {@code Long.MAX_VALUE} for none
 */
public record QueueView(int items, long oldestEnqueuedAt, long earliestDeadline) {

    /** An empty queue. */
    public static final QueueView EMPTY = new QueueView(0, 0L, Long.MAX_VALUE);

    public QueueView {
        if (items < 0) {
            throw new IllegalArgumentException("items must be >= 0, got " + items);
        }
    }
}
