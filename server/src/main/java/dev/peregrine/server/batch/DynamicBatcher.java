package dev.peregrine.server.batch;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Queues requests for one model and runs them in dynamic batches on the model's engine instances.
 *
 * <h2>Threads</h2>
 * One dispatcher thread owns every decision about the queue: it applies {@link BatchDecider#decide}, forms a
 * batch when an inference thread is free, and fails requests whose deadline passes (also while every inference
 * thread is busy, so a stuck engine still answers its queue with DEADLINE_EXCEEDED). One inference thread per
 * engine instance runs batches on its own {@link BatchRunner}. A batch is only formed when an instance is free,
 * so while all instances are busy the queue keeps growing into larger batches (as Triton does).
 *
 * <h2>Ownership</h2>
 * {@link #submit} either refuses at once (the future is already failed with {@link AdmissionRejectedException}
 * and the caller still owns the item) or accepts: from then on the batcher owns the item and completes the future
 * exactly once (the runner's result, ENGINE_FAILURE, DEADLINE_EXCEEDED, or OVERLOADED on shutdown), and hands the
 * item to the release hook exactly once (after its batch ran, or when it expires, is cancelled or abandoned). The
 * "exactly once" is structural: a request leaves the queue only under the lock, and whoever removes it is its sole
 * owner from then on.
 *
 * <h2>Shutdown</h2>
 * {@link #shutdown(Duration)} stops admission (OVERLOADED), keeps sending what is queued without waiting for
 * batches to fill until the grace runs out, fails the rest with OVERLOADED, and joins the threads.
 *
 * @param <I> request item (e.g. a prepared image with its options)
 * @param <O> result per item
 */
public final class DynamicBatcher<I, O> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DynamicBatcher.class);

    /** How long shutdown waits, beyond the grace, for batches already inside an engine (they cannot be aborted). */
    static final Duration RUNNING_BATCH_WAIT = Duration.ofSeconds(10);

    private enum Phase { RUNNING, DRAINING, STOPPED }

    private final String name;
    private final BatchPolicy policy;
    private final MonotonicClock clock;
    private final BatcherListener listener;
    private final Consumer<? super I> releaser;
    private final List<BatchRunner<I, O>> runners;

    /*
     * Locking: one lock guards all mutable state below (queue sets, byte count, ready batches, idle count, phase).
     * They change together and every operation is O(log n) under it, tiny next to a millisecond inference, so a
     * single lock keeps the invariants easy to check at no measurable cost. Futures are completed, items released
     * and listeners called only OUTSIDE the lock: completing a CompletableFuture runs the caller's callbacks
     * synchronously (HTTP writes, metrics), which must never run under, or re-enter, our lock.
     *
     * Wake-up policy (no busy waiting): the dispatcher sleeps on dispatcherWake with a timeout equal to the next
     * instant its decision can change by itself (oldest request's delay, earliest deadline, end of grace) and is
     * signalled when the queue or the number of free instances changes. Inference threads sleep on workAvailable
     * with no timeout and are signalled once per ready batch, or all at once to stop.
     */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition dispatcherWake = lock.newCondition();
    private final Condition workAvailable = lock.newCondition();
    /** Queued requests in arrival order. */
    private final LinkedHashSet<Request<I, O>> fifo = new LinkedHashSet<>();
    /** The same requests by deadline, so expiry and the next wake-up are O(log n). */
    private final TreeSet<Request<I, O>> byDeadline = new TreeSet<>(
            Comparator.<Request<I, O>>comparingLong(r -> r.deadline).thenComparingLong(r -> r.seq));
    /** Formed batches not yet picked up by an inference thread; never more than the idle threads. */
    private final ArrayDeque<Batch<I, O>> ready = new ArrayDeque<>();
    private long queuedBytes;
    private int idleWorkers;
    private long nextSeq;
    private Phase phase = Phase.RUNNING;
    private long drainUntil = Long.MAX_VALUE;
    private boolean stopWorkers;

    private final Thread dispatcher;
    private final List<Thread> workers;

    /**
     * A batcher with one inference thread and no release hook (the contract's form).
     *
     * @param name     model name, used in thread names and messages
     * @param policy   batching and queue limits
     * @param runner   runs batches on the single inference thread
     * @param clock    time source for delays and deadlines
     * @param listener metrics observer
     */
    public DynamicBatcher(String name, BatchPolicy policy, BatchRunner<I, O> runner, MonotonicClock clock,
                          BatcherListener listener) {
        this(name, policy, List.of(runner), item -> { }, clock, listener);
    }

    private DynamicBatcher(String name, BatchPolicy policy, List<? extends BatchRunner<I, O>> runners,
                           Consumer<? super I> releaser, MonotonicClock clock, BatcherListener listener) {
        this.name = Objects.requireNonNull(name, "name");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.runners = List.copyOf(runners);
        if (this.runners.isEmpty()) {
            throw new IllegalArgumentException("a batcher needs at least one runner");
        }
        this.releaser = Objects.requireNonNull(releaser, "releaser");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = listener == null ? BatcherListener.NOOP : listener;
        this.dispatcher = new Thread(this::dispatchLoop, "batch-" + name + "-dispatch");
        List<Thread> ws = new ArrayList<>();
        for (int i = 0; i < this.runners.size(); i++) {
            int index = i;
            ws.add(new Thread(() -> workerLoop(index), "batch-" + name + "-infer-" + i));
        }
        this.workers = List.copyOf(ws);
        // Daemon: a forgotten batcher must not keep the JVM alive; orderly stops go through shutdown().
        dispatcher.setDaemon(true);
        dispatcher.start();
        for (Thread w : workers) {
            w.setDaemon(true);
            w.start();
        }
    }

    /** Starts building a batcher for model {@code name}. */
    public static <I, O> Builder<I, O> builder(String name, BatchPolicy policy) {
        return new Builder<>(name, policy);
    }

    /** Model name. */
    public String name() {
        return name;
    }

    /** The policy this batcher applies. */
    public BatchPolicy policy() {
        return policy;
    }

    /** Number of inference threads (engine instances). */
    public int instances() {
        return runners.size();
    }

    /**
     * Offers a request. Never blocks on a full queue: admission fails fast.
     *
     * @param item     the request; owned by the batcher once accepted
     * @param bytes    memory the item holds while queued, counted against {@code maxQueueBytes}
     * @param deadline when the answer stops being useful; null applies the policy's default timeout
     * @return a future completed exactly once by the batcher; if refused, it is already failed with
     * {@link AdmissionRejectedException} (OVERLOADED when full or shutting down, TOO_LARGE when the item alone
     * exceeds the byte budget, DEADLINE_EXCEEDED when the deadline already passed) and the caller still owns the
     * item. Cancelling (or otherwise completing) the future removes a still-queued request and releases its bytes.
     */
    public CompletableFuture<O> submit(I item, long bytes, Deadline deadline) {
        Objects.requireNonNull(item, "item");
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0, got " + bytes);
        }
        Deadline d = deadline != null ? deadline : Deadline.after(policy.defaultTimeout(), clock);
        long now = clock.nanoTime();
        RejectReason refused;
        Request<I, O> request = null;
        lock.lock();
        try {
            refused = admissionCheck(bytes, d, now);
            if (refused == null) {
                request = new Request<>(item, bytes, d.atNanos(), now, nextSeq++);
                fifo.add(request);
                byDeadline.add(request);
                queuedBytes += bytes;
                request.queued = true;
                dispatcherWake.signal();
            }
        } finally {
            lock.unlock();
        }
        if (refused != null) {
            notifyListener(l -> l.rejected(refused));
            return CompletableFuture.failedFuture(new AdmissionRejectedException(refused, refusalMessage(refused, bytes)));
        }
        Request<I, O> r = request;
        // Registered after the request is queued: if a batch already completed it, this runs at once and finds it
        // no longer queued, which is correct.
        r.future.whenComplete((v, e) -> onFutureCompleted(r));
        return r.future;
    }

    private RejectReason admissionCheck(long bytes, Deadline d, long now) {
        if (phase != Phase.RUNNING) {
            return RejectReason.SHUTTING_DOWN;
        }
        if (d.expired(now)) {
            return RejectReason.DEADLINE_PASSED;
        }
        if (bytes > policy.maxQueueBytes()) {
            return RejectReason.ITEM_TOO_LARGE;
        }
        if (fifo.size() >= policy.maxQueueItems()) {
            return RejectReason.QUEUE_ITEMS;
        }
        if (bytes > policy.maxQueueBytes() - queuedBytes) {
            return RejectReason.QUEUE_BYTES;
        }
        return null;
    }

    private String refusalMessage(RejectReason reason, long bytes) {
        return switch (reason) {
            case SHUTTING_DOWN -> "model '" + name + "' is shutting down";
            case DEADLINE_PASSED -> "deadline passed before the request reached model '" + name + "'";
            case ITEM_TOO_LARGE -> "request of " + bytes + " bytes exceeds the queue budget of "
                    + policy.maxQueueBytes() + " bytes of model '" + name + "'";
            case QUEUE_ITEMS -> "queue of model '" + name + "' is full (" + policy.maxQueueItems() + " requests)";
            case QUEUE_BYTES -> "queue of model '" + name + "' is full (" + policy.maxQueueBytes() + " bytes)";
            case NOT_READY -> "model '" + name + "' is not ready";
        };
    }

    /** Items and bytes queued now (not counting batches already running). */
    public QueueStats stats() {
        lock.lock();
        try {
            return new QueueStats(fifo.size(), queuedBytes);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes the dispatcher re-read the clock now. Only needed with a clock advanced by hand (tests): the system
     * clock moves by itself and the dispatcher wakes when its decision can change.
     */
    public void recheck() {
        lock.lock();
        try {
            dispatcherWake.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops admission, drains the queue within {@code grace}, fails what is left with OVERLOADED and joins the
     * threads (waiting up to {@link #RUNNING_BATCH_WAIT} more for batches already in an engine). Idempotent; a
     * later call with another grace does not change the first one's.
     *
     * @return true when every thread stopped; false when a batch is still running in an engine (its runner must
     * then not be closed)
     */
    public boolean shutdown(Duration grace) {
        beginShutdown(grace);
        return awaitTermination(saturatedPlus(grace, RUNNING_BATCH_WAIT));
    }

    /**
     * Stops admission and starts draining within {@code grace}, without waiting. Lets a registry stop admission
     * on every model before draining any of them.
     */
    public void beginShutdown(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        long graceNanos = BatchDecider.saturatedNanos(grace.isNegative() ? Duration.ZERO : grace);
        lock.lock();
        try {
            if (phase == Phase.RUNNING) {
                long now = clock.nanoTime();
                phase = Phase.DRAINING;
                drainUntil = now + graceNanos < now ? Long.MAX_VALUE : now + graceNanos;
                dispatcherWake.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for the dispatcher and inference threads to end after {@link #beginShutdown}.
     *
     * @return true when all ended within {@code timeout}
     */
    public boolean awaitTermination(Duration timeout) {
        long end = System.nanoTime() + BatchDecider.saturatedNanos(timeout);
        List<Thread> all = new ArrayList<>();
        all.add(dispatcher);
        all.addAll(workers);
        boolean interrupted = false;
        try {
            for (Thread t : all) {
                if (t == Thread.currentThread()) {
                    continue; // a runner that shuts down its own batcher must not wait for itself
                }
                while (t.isAlive()) {
                    long left = end - System.nanoTime();
                    if (left <= 0) {
                        log.warn("batcher '{}': {} still running after shutdown wait", name, t.getName());
                        return false;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedJoin(t, left);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** True once shutdown has begun. */
    public boolean isShutdown() {
        lock.lock();
        try {
            return phase != Phase.RUNNING;
        } finally {
            lock.unlock();
        }
    }

    /** Shuts down with no grace: queued requests fail with OVERLOADED, running batches finish. */
    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }

    // ---- dispatcher -------------------------------------------------------------------------------------------

    private void dispatchLoop() {
        try {
            while (true) {
                List<Request<I, O>> expired;
                List<Request<I, O>> abandoned = List.of();
                boolean exit = false;
                lock.lock();
                try {
                    while (true) {
                        long now = clock.nanoTime();
                        expired = removeExpired(now);
                        if (!expired.isEmpty()) {
                            break; // answer them outside the lock, then decide again
                        }
                        boolean draining = phase != Phase.RUNNING;
                        if (draining && (fifo.isEmpty() || now >= drainUntil)) {
                            abandoned = removeAll();
                            phase = Phase.STOPPED;
                            stopWorkers = true;
                            workAvailable.signalAll();
                            exit = true;
                            break;
                        }
                        BatchDecision decision = BatchDecider.decide(policy, view(), now, draining);
                        long wait;
                        if (decision instanceof BatchDecision.SendNow send) {
                            if (idleWorkers > ready.size()) {
                                ready.add(takeBatch(send.size(), now));
                                workAvailable.signal();
                                continue;
                            }
                            // Every instance is busy: let the batch grow until one frees up (it signals us), but
                            // still wake at the earliest deadline so that a stuck queue answers expiring requests.
                            wait = byDeadline.isEmpty() ? BatchDecision.FOREVER
                                    : Math.max(0L, byDeadline.first().deadline - now);
                        } else {
                            wait = ((BatchDecision.WaitNanos) decision).nanos();
                        }
                        if (draining) {
                            wait = Math.min(wait, Math.max(0L, drainUntil - now));
                        }
                        awaitDispatcher(wait);
                    }
                } finally {
                    lock.unlock();
                }
                for (Request<I, O> r : expired) {
                    long queued = clock.nanoTime() - r.enqueuedAt;
                    notifyListener(l -> l.expired(queued));
                    finish(r, null, new PeregrineException(ErrorCode.DEADLINE_EXCEEDED,
                            "deadline passed while queued for model '" + name + "'"));
                }
                if (exit) {
                    if (!abandoned.isEmpty()) {
                        log.info("batcher '{}': shutdown grace over, failing {} queued requests", name, abandoned.size());
                    }
                    for (Request<I, O> r : abandoned) {
                        long queued = clock.nanoTime() - r.enqueuedAt;
                        notifyListener(l -> l.abandoned(queued));
                        finish(r, null, new PeregrineException(ErrorCode.OVERLOADED,
                                "model '" + name + "' shut down before the request ran"));
                    }
                    return;
                }
            }
        } catch (RuntimeException | Error e) {
            // A bug here would strand every queued request; say so loudly. Admission keeps refusing afterwards.
            log.error("batcher '{}': dispatcher failed", name, e);
            failEverythingAfterCrash(e);
        }
    }

    private void awaitDispatcher(long waitNanos) {
        if (waitNanos == BatchDecision.FOREVER) {
            dispatcherWake.awaitUninterruptibly();
            return;
        }
        if (waitNanos <= 0) {
            return;
        }
        try {
            dispatcherWake.awaitNanos(waitNanos);
        } catch (InterruptedException e) {
            // Only shutdown() stops the dispatcher (by flag); an interrupt just means "look again".
        }
    }

    private void failEverythingAfterCrash(Throwable cause) {
        List<Request<I, O>> left;
        lock.lock();
        try {
            phase = Phase.STOPPED;
            left = removeAll();
            stopWorkers = true;
            workAvailable.signalAll();
        } finally {
            lock.unlock();
        }
        for (Request<I, O> r : left) {
            finish(r, null, new PeregrineException(ErrorCode.ENGINE_FAILURE,
                    "batcher of model '" + name + "' failed: " + cause, cause));
        }
    }

    /** Live queue state for the decision. Lock held. */
    private QueueView view() {
        if (fifo.isEmpty()) {
            return QueueView.EMPTY;
        }
        return new QueueView(fifo.size(), fifo.iterator().next().enqueuedAt, byDeadline.first().deadline);
    }

    /** Removes and returns requests whose deadline passed. Lock held. */
    private List<Request<I, O>> removeExpired(long now) {
        List<Request<I, O>> out = List.of();
        while (!byDeadline.isEmpty() && byDeadline.first().deadline != Long.MAX_VALUE
                && now >= byDeadline.first().deadline) {
            Request<I, O> r = byDeadline.pollFirst();
            fifo.remove(r);
            dequeued(r);
            if (out.isEmpty()) {
                out = new ArrayList<>();
            }
            out.add(r);
        }
        return out;
    }

    /** Removes the {@code size} oldest requests as a batch. Lock held. */
    private Batch<I, O> takeBatch(int size, long now) {
        List<Request<I, O>> members = new ArrayList<>(size);
        Iterator<Request<I, O>> it = fifo.iterator();
        while (members.size() < size && it.hasNext()) {
            Request<I, O> r = it.next();
            it.remove();
            byDeadline.remove(r);
            dequeued(r);
            members.add(r);
        }
        return new Batch<>(members, now);
    }

    /** Removes every queued request. Lock held. */
    private List<Request<I, O>> removeAll() {
        List<Request<I, O>> out = new ArrayList<>(fifo);
        fifo.clear();
        byDeadline.clear();
        for (Request<I, O> r : out) {
            dequeued(r);
        }
        return out;
    }

    /** Book-keeping for a request that left the queue. Lock held. */
    private void dequeued(Request<I, O> r) {
        queuedBytes -= r.bytes;
        r.queued = false;
    }

    // ---- cancellation -----------------------------------------------------------------------------------------

    /**
     * Runs whenever a request's future completes. When the batcher completed it, the request has already left
     * the queue and this returns at once; when the caller did (cancel, orTimeout, complete), a still-queued
     * request is removed here and its item released.
     */
    private void onFutureCompleted(Request<I, O> r) {
        if (!r.queued) {
            return; // fast path without the lock: once out of the queue a request never returns to it
        }
        boolean removed = false;
        lock.lock();
        try {
            if (r.queued) {
                fifo.remove(r);
                byDeadline.remove(r);
                dequeued(r);
                removed = true;
                dispatcherWake.signal(); // the queue changed: a drain may be complete
            }
        } finally {
            lock.unlock();
        }
        if (removed) {
            release(r);
            long queued = clock.nanoTime() - r.enqueuedAt;
            notifyListener(l -> l.cancelled(queued));
        }
    }

    // ---- inference threads ------------------------------------------------------------------------------------

    private void workerLoop(int index) {
        BatchRunner<I, O> runner = runners.get(index);
        while (true) {
            Batch<I, O> batch;
            lock.lock();
            try {
                idleWorkers++;
                dispatcherWake.signal(); // a free instance may let a waiting batch go
                while (ready.isEmpty() && !stopWorkers) {
                    workAvailable.awaitUninterruptibly();
                }
                idleWorkers--;
                batch = ready.poll();
            } finally {
                lock.unlock();
            }
            if (batch == null) {
                return; // stopped and nothing left to run
            }
            runBatch(index, runner, batch);
        }
    }

    private void runBatch(int index, BatchRunner<I, O> runner, Batch<I, O> batch) {
        List<Request<I, O>> members = batch.members;
        List<I> items = new ArrayList<>(members.size());
        for (Request<I, O> r : members) {
            items.add(r.item);
            long queued = batch.formedAt - r.enqueuedAt;
            notifyListener(l -> l.dequeued(queued));
        }
        long start = clock.nanoTime();
        List<O> results = null;
        PeregrineException failure = null;
        try {
            results = runner.run(items);
            if (results == null || results.size() != items.size()) {
                failure = new PeregrineException(ErrorCode.ENGINE_FAILURE, "model '" + name + "' returned "
                        + (results == null ? "no" : String.valueOf(results.size())) + " results for a batch of "
                        + items.size());
            }
        } catch (PeregrineException e) {
            failure = e;
        } catch (Throwable t) {
            // Keep the inference thread alive whatever the runner throws: a dead thread would strand the queue.
            log.warn("batcher '{}': batch of {} failed", name, items.size(), t);
            failure = new PeregrineException(ErrorCode.ENGINE_FAILURE,
                    "inference failed for model '" + name + "': " + t, t);
        }
        long runNanos = clock.nanoTime() - start;
        boolean ok = failure == null;
        // Listener first, completion second: whoever sees a future complete also sees its metrics recorded.
        notifyListener(l -> l.batchFinished(index, members.size(), runNanos, ok));
        for (int i = 0; i < members.size(); i++) {
            finish(members.get(i), ok ? results.get(i) : null, failure);
        }
    }

    /**
     * Releases the item, then completes the future. Releasing first means that a caller who sees the future
     * complete also sees the item's memory freed (and queue budgets already reflect it).
     */
    private void finish(Request<I, O> r, O result, PeregrineException failure) {
        release(r);
        if (failure == null) {
            r.future.complete(result);
        } else {
            r.future.completeExceptionally(failure);
        }
    }

    private void release(Request<I, O> r) {
        try {
            releaser.accept(r.item);
        } catch (RuntimeException | Error e) {
            log.warn("batcher '{}': release hook failed", name, e);
        }
    }

    private void notifyListener(Consumer<BatcherListener> event) {
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            log.warn("batcher '{}': listener failed", name, e);
        }
    }

    private static Duration saturatedPlus(Duration a, Duration b) {
        try {
            return a.plus(b);
        } catch (ArithmeticException e) {
            return Duration.ofSeconds(Long.MAX_VALUE);
        }
    }

    @Override
    public String toString() {
        return "DynamicBatcher[" + name + ", " + policy + ", instances=" + runners.size() + "]";
    }

    /** One accepted request. Identity equality: the queue sets hold each request object once. */
    private static final class Request<I, O> {
        final I item;
        final long bytes;
        final long deadline;
        final long enqueuedAt;
        final long seq;
        final CompletableFuture<O> future = new CompletableFuture<>();
        /** Written under the lock; volatile so the completion fast path may read it without the lock. */
        volatile boolean queued;

        Request(I item, long bytes, long deadline, long enqueuedAt, long seq) {
            this.item = item;
            this.bytes = bytes;
            this.deadline = deadline;
            this.enqueuedAt = enqueuedAt;
            this.seq = seq;
        }
    }

    /** Requests taken from the queue together, and when. */
    private record Batch<I, O>(List<Request<I, O>> members, long formedAt) {
    }

    /**
     * Builds a {@link DynamicBatcher} with several engine instances and a release hook.
     *
     * @param <I> request item
     * @param <O> result per item
     */
    public static final class Builder<I, O> {
        private final String name;
        private final BatchPolicy policy;
        private final List<BatchRunner<I, O>> runners = new ArrayList<>();
        private Consumer<? super I> releaser = item -> { };
        private MonotonicClock clock = MonotonicClock.SYSTEM;
        private BatcherListener listener = BatcherListener.NOOP;

        private Builder(String name, BatchPolicy policy) {
            this.name = name;
            this.policy = policy;
        }

        /** Adds one engine instance: an inference thread that runs batches on {@code runner}. */
        public Builder<I, O> runner(BatchRunner<I, O> runner) {
            runners.add(Objects.requireNonNull(runner, "runner"));
            return this;
        }

        /** Adds one engine instance per runner. */
        public Builder<I, O> runners(List<? extends BatchRunner<I, O>> list) {
            list.forEach(this::runner);
            return this;
        }

        /**
         * Hook called exactly once for every accepted item when the batcher is done with it (after its batch ran,
         * or on expiry, cancellation or shutdown), e.g. {@code PreparedImage::close}. Never called for refused items.
         */
        public Builder<I, O> releaser(Consumer<? super I> hook) {
            this.releaser = Objects.requireNonNull(hook, "releaser");
            return this;
        }

        /** Time source; {@link MonotonicClock#SYSTEM} by default. */
        public Builder<I, O> clock(MonotonicClock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /** Metrics observer; none by default. */
        public Builder<I, O> listener(BatcherListener l) {
            this.listener = l == null ? BatcherListener.NOOP : l;
            return this;
        }

        /** Starts the batcher's threads. */
        public DynamicBatcher<I, O> build() {
            return new DynamicBatcher<>(name, policy, runners, releaser, clock, listener);
        }
    }
}
