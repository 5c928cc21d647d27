package dev.peregrine.engines.trt;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns native resources in acquisition order and releases them in reverse order, exactly once. Used by the
 * TensorRT engine and builder: each allocation is pushed right after it succeeds, so a failure half-way through
 * construction releases exactly what was acquired; {@link #close()} is idempotent and keeps going when one release
 * fails (the failure is logged and kept for {@link #failures()}).
 */
public final class ResourceStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceStack.class);

    /** Releases one resource. */
    @FunctionalInterface
    public interface Release {
        /** Frees the resource; may throw to report a failure (the stack carries on with the others). */
        void run() throws Exception;
    }

    private record Entry(String name, Release release) {
    }

    private final Deque<Entry> entries = new ArrayDeque<>();
    private final List<String> failures = new ArrayList<>();
    private boolean closed;

    /**
     * Registers a resource to release on {@link #close()}.
     *
     * @param name    what it is, for the log when releasing fails (e.g. {@code cudaFree(output0)})
     * @param release how to free it
     * @throws IllegalStateException when the stack is already closed (the caller must free the resource itself)
     */
    public synchronized void push(String name, Release release) {
        if (closed) {
            throw new IllegalStateException("resource stack is closed; cannot own " + name);
        }
        entries.push(new Entry(name, release));
    }

    /** Number of resources still owned. */
    public synchronized int size() {
        return entries.size();
    }

    /** True after {@link #close()}. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Descriptions of the releases that failed, in the order they ran. */
    public synchronized List<String> failures() {
        return List.copyOf(failures);
    }

    /** Releases everything in reverse acquisition order. Idempotent; never throws. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!entries.isEmpty()) {
            Entry e = entries.pop();
            try {
                e.release().run();
            } catch (Exception | LinkageError ex) {
                failures.add(e.name() + ": " + ex.getMessage());
                LOG.warn("releasing {} failed: {}", e.name(), ex.toString());
            }
        }
    }
}
