package dev.peregrine.server.batch;

import java.util.List;

/**
 * Runs one batch. Called on one of the batcher's inference threads; each inference thread has its own runner
 * (one per engine instance), so an implementation need not be thread-safe.
 *
 * @param <I> request item
 * @param <O> result per item
 */
@FunctionalInterface
public interface BatchRunner<I, O> {

    /**
     * Runs {@code batch} and returns one result per item, in order. Must not close or keep the items: the batcher
     * releases them after this returns.
     *
     * @throws Exception fails every request of the batch; a {@link dev.peregrine.engines.PeregrineException} keeps
     *                   its code, anything else becomes {@code ENGINE_FAILURE}
     */
    List<O> run(List<I> batch) throws Exception;
}
