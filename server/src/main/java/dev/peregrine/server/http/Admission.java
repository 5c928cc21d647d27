package dev.peregrine.server.http;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.util.concurrent.CompletableFuture;

/**
 * The front door of the inference routes. It refuses requests (503) once shutdown has begun, and bounds the bytes
 * of request bodies the server holds before they reach a batcher queue: a request reserves its declared length
 * (or the body limit when it declares none) before its body is read, and releases it when it is answered. The
 * batchers bound what is queued after decoding; together the two budgets bound the memory that load can pin.
 *
 * <p>It also counts the requests it let in, so that shutdown can wait until every one of them was answered.
 * Thread-safe: all state is guarded by {@code this}; calls are short.
 */
public final class Admission {
    private final long byteBudget;
    private long reservedBytes;
    private int inFlight;
    private boolean draining;
    private CompletableFuture<Void> idle;

    /**
     * @param byteBudget largest total of request body bytes held at once
     */
    public Admission(long byteBudget) {
        if (byteBudget < 1) {
            throw new IllegalArgumentException("byte budget must be >= 1, got " + byteBudget);
        }
        this.byteBudget = byteBudget;
    }

    /**
     * Admits a request that will hold up to {@code bytes} of body.
     *
     * @return the ticket to close once the request is answered
     * @throws PeregrineException OVERLOADED while shutting down or when the byte budget is spent
     */
    public synchronized Ticket admit(long bytes) throws PeregrineException {
        if (draining) {
            throw new PeregrineException(ErrorCode.OVERLOADED, "server is shutting down; retry on another instance");
        }
        // One request larger than the whole budget still gets in when nothing else is held, so that a budget
        // below the body limit cannot make large images impossible; it cannot exceed the body limit anyway.
        if (reservedBytes > 0 && reservedBytes + bytes > byteBudget) {
            throw new PeregrineException(ErrorCode.OVERLOADED, "server is busy: " + reservedBytes
                    + " bytes of request bodies are already in flight (budget " + byteBudget + " bytes, --queue-mb)");
        }
        reservedBytes += bytes;
        inFlight++;
        return new Ticket(bytes);
    }

    /** Stops admitting; every later {@link #admit} fails with OVERLOADED. */
    public synchronized void startDraining() {
        draining = true;
    }

    /** True once {@link #startDraining()} was called. */
    public synchronized boolean draining() {
        return draining;
    }

    /** Requests admitted and not yet answered. */
    public synchronized int inFlight() {
        return inFlight;
    }

    /** Body bytes currently reserved. */
    public synchronized long reservedBytes() {
        return reservedBytes;
    }

    /** Completes when no admitted request is left unanswered (at once when none is). */
    public synchronized CompletableFuture<Void> whenIdle() {
        if (inFlight == 0) {
            return CompletableFuture.completedFuture(null);
        }
        if (idle == null) {
            idle = new CompletableFuture<>();
        }
        return idle;
    }

    private void release(long bytes) {
        CompletableFuture<Void> done = null;
        synchronized (this) {
            reservedBytes -= bytes;
            inFlight--;
            if (inFlight == 0 && idle != null) {
                done = idle;
                idle = null;
            }
        }
        if (done != null) {
            done.complete(null); // outside the lock: dependants run arbitrary code
        }
    }

    /** One admitted request's hold on the budget. {@link #close()} releases it, once. */
    public final class Ticket implements AutoCloseable {
        private final long bytes;
        private boolean closed;

        private Ticket(long bytes) {
            this.bytes = bytes;
        }

        /** Releases the reservation. Idempotent. */
        @Override
        public void close() {
            synchronized (Admission.this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            release(bytes);
        }
    }
}
