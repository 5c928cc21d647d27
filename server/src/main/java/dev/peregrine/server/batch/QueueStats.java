package dev.peregrine.server.batch;

/**
 * A snapshot of a batcher's queue.
 *
 * @param items requests waiting for a batch
 * @param bytes sum of their admission bytes
 */
public record QueueStats(int items, long bytes) {
}
