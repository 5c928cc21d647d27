package dev.peregrine.bench.loadgen;

import io.vertx.core.Future;

/**
 * Sends the load generator's requests over one protocol ({@link Protocol}). A client prepares its request bodies
 * once, before any step, so that what a step measures is the server and the wire, not the client building bodies;
 * the load generator cycles through them by index.
 */
interface LoadClient extends AutoCloseable {
    /** How many distinct requests the client prepared (at least one). */
    int requests();

    /**
     * Sends prepared request {@code index}; the future always succeeds, with the outcome. Callable from any thread.
     *
     * @param index 0 to {@link #requests()} - 1
     */
    Future<Reply> send(int index);

    /** {@link #send} and waits for the outcome. Not on the client's event loop. */
    default Reply sendBlocking(int index) {
        return send(index).toCompletionStage().toCompletableFuture().join();
    }

    @Override
    void close();
}
