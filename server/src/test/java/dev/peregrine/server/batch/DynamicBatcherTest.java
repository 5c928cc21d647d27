package dev.peregrine.server.batch;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@link DynamicBatcher} with a fake runner and a manual clock. Waits are bounded (a few seconds) and only guard
 * against hangs; nothing asserts on elapsed time.
 */
class DynamicBatcherTest {
    private static final Duration HOUR = Duration.ofHours(1);
    private static final long WAIT_S = 10;

    private final ManualClock clock = new ManualClock();
    /** Release count per item id: the ownership rule says exactly one per accepted item, none per refused one. */
    private final Map<Integer, AtomicInteger> releases = new ConcurrentHashMap<>();
    private final List<DynamicBatcher<Integer, String>> started = new ArrayList<>();

    @AfterEach
    void stopAll() {
        started.forEach(b -> b.shutdown(Duration.ZERO));
    }

    /** A runner that reports each batch and, when gated, blocks until the test lets it finish. */
    static final class FakeRunner implements BatchRunner<Integer, String> {
        final BlockingQueue<List<Integer>> batches = new LinkedBlockingQueue<>();
        final Semaphore gate = new Semaphore(Integer.MAX_VALUE);
        volatile Exception failWith;

        @Override
        public List<String> run(List<Integer> batch) throws Exception {
            batches.add(List.copyOf(batch));
            gate.acquire();
            if (failWith != null) {
                throw failWith;
            }
            return batch.stream().map(i -> "r" + i).toList();
        }

        void close() {
            gate.drainPermits();
        }

        void open(int batches) {
            gate.release(batches);
        }

        List<Integer> nextBatch() throws InterruptedException {
            List<Integer> b = batches.poll(WAIT_S, TimeUnit.SECONDS);
            if (b == null) {
                fail("no batch ran within " + WAIT_S + " s");
            }
            return b;
        }
    }

    private DynamicBatcher<Integer, String> batcher(BatchPolicy policy, BatcherListener listener,
                                                    FakeRunner... runners) {
        DynamicBatcher.Builder<Integer, String> b = DynamicBatcher.<Integer, String>builder("m", policy)
                .clock(clock)
                .listener(listener)
                .releaser(id -> releases.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet());
        for (FakeRunner r : runners) {
            b.runner(r);
        }
        DynamicBatcher<Integer, String> batcher = b.build();
        started.add(batcher);
        return batcher;
    }

    private static BatchPolicy policy(int maxBatch, Duration delay, long maxBytes, int maxItems) {
        return new BatchPolicy(maxBatch, new int[0], delay, maxBytes, maxItems, HOUR);
    }

    private int released(int id) {
        AtomicInteger n = releases.get(id);
        return n == null ? 0 : n.get();
    }

    private static PeregrineException failureOf(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(WAIT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(PeregrineException.class);
            return (PeregrineException) e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            fail("future not completed within " + WAIT_S + " s");
        }
        fail("expected a failure, got " + f.join());
        return null;
    }

    @Test
    void fullBatchIsSentAtOnceAndResultsAreInOrder() throws Exception {
        FakeRunner runner = new FakeRunner();
        DynamicBatcher<Integer, String> b = batcher(policy(4, HOUR, 1000, 100), null, runner);
        List<CompletableFuture<String>> fs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fs.add(b.submit(i, 10, null));
        }
        assertThat(runner.nextBatch()).containsExactly(0, 1, 2, 3);
        for (int i = 0; i < 4; i++) {
            assertThat(fs.get(i).get(WAIT_S, TimeUnit.SECONDS)).isEqualTo("r" + i);
            assertThat(released(i)).isEqualTo(1);
        }
        assertThat(b.stats()).isEqualTo(new QueueStats(0, 0));
    }

    @Test
    void partialBatchWaitsForTheQueueDelay() throws Exception {
        FakeRunner runner = new FakeRunner();
        DynamicBatcher<Integer, String> b = batcher(policy(4, Duration.ofMillis(10), 1000, 100), null, runner);
        CompletableFuture<String> f0 = b.submit(0, 10, null);
        CompletableFuture<String> f1 = b.submit(1, 10, null);
        // The manual clock has not moved, so the delay cannot have run out: the dispatcher must hold both.
        clock.advance(Duration.ofMillis(10));
        b.recheck();
        assertThat(runner.nextBatch()).containsExactly(0, 1);
        assertThat(f0.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo("r0");
        assertThat(f1.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo("r1");
    }

    @Test
    void preferredSizeIsSentWithoutWaitingForTheDelay() throws Exception {
        FakeRunner runner = new FakeRunner();
        BatchPolicy p = new BatchPolicy(8, new int[]{2}, HOUR, 1000, 100, HOUR);
        DynamicBatcher<Integer, String> b = batcher(p, null, runner);
        CompletableFuture<String> f0 = b.submit(0, 1, null);
        CompletableFuture<String> f1 = b.submit(1, 1, null);
        // The clock never moves and 2 < maxBatch, so only the preferred-size rule can send this batch.
        assertThat(runner.nextBatch()).containsExactly(0, 1);
        assertThat(f0.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo("r0");
        assertThat(f1.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo("r1");
    }

    @Test
    void byteBudgetRefusesFastAndCallerKeepsTheItem() throws Exception {
        FakeRunner runner = new FakeRunner();
        List<RejectReason> rejected = new ArrayList<>();
        BatcherListener listener = new BatcherListener() {
            @Override
            public synchronized void rejected(RejectReason reason) {
                rejected.add(reason);
            }
        };
        DynamicBatcher<Integer, String> b = batcher(policy(8, HOUR, 100, 100), listener, runner);
        CompletableFuture<String> a = b.submit(1, 60, null);
        CompletableFuture<String> refused = b.submit(2, 50, null);
        assertThat(refused).isCompletedExceptionally();
        PeregrineException e = failureOf(refused);
        assertThat(e).isInstanceOf(AdmissionRejectedException.class);
        assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED);
        assertThat(((AdmissionRejectedException) e).reason()).isEqualTo(RejectReason.QUEUE_BYTES);
        assertThat(AdmissionRejectedException.isRefusal(new java.util.concurrent.CompletionException(e))).isTrue();
        assertThat(released(2)).as("a refused item stays with the caller").isZero();

        CompletableFuture<String> fits = b.submit(3, 40, null);
        assertThat(fits).isNotDone();
        assertThat(b.stats()).isEqualTo(new QueueStats(2, 100));

        PeregrineException tooLarge = failureOf(b.submit(4, 101, null));
        assertThat(tooLarge.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(rejected).containsExactly(RejectReason.QUEUE_BYTES, RejectReason.ITEM_TOO_LARGE);
        assertThat(a).isNotDone();
    }

    @Test
    void itemCountRefusesFast() throws Exception {
        FakeRunner runner = new FakeRunner();
        DynamicBatcher<Integer, String> b = batcher(policy(8, HOUR, 1000, 2), null, runner);
        b.submit(1, 1, null);
        b.submit(2, 1, null);
        PeregrineException e = failureOf(b.submit(3, 1, null));
        assertThat(((AdmissionRejectedException) e).reason()).isEqualTo(RejectReason.QUEUE_ITEMS);
        assertThat(e.getMessage()).contains("'m'").contains("2 requests");
        assertThat(released(3)).isZero();
    }

    @Test
    void deadlinePassingWhileQueuedFailsWithDeadlineExceededAndReleases() throws Exception {
        FakeRunner runner = new FakeRunner();
        AtomicInteger expired = new AtomicInteger();
        BatcherListener listener = new BatcherListener() {
            @Override
            public void expired(long queuedNanos) {
                expired.incrementAndGet();
            }
        };
        DynamicBatcher<Integer, String> b = batcher(policy(8, HOUR, 1000, 100), listener, runner);
        CompletableFuture<String> shortLived = b.submit(1, 30, Deadline.after(Duration.ofMillis(50), clock));
        CompletableFuture<String> longLived = b.submit(2, 30, Deadline.after(Duration.ofMinutes(5), clock));
        clock.advance(Duration.ofMillis(50));
        b.recheck();
        assertThat(failureOf(shortLived).code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
        assertThat(released(1)).isEqualTo(1);
        assertThat(expired).hasValue(1);
        assertThat(longLived).isNotDone();
        assertThat(b.stats()).isEqualTo(new QueueStats(1, 30));
    }

    @Test
    void expiryIsAnsweredEvenWhileEveryInstanceIsBusy() throws Exception {
        FakeRunner runner = new FakeRunner();
        runner.close();
        DynamicBatcher<Integer, String> b = batcher(policy(1, HOUR, 1000, 100), null, runner);
        CompletableFuture<String> running = b.submit(1, 1, null);
        assertThat(runner.nextBatch()).containsExactly(1); // the only instance is now stuck in this batch
        CompletableFuture<String> waiting = b.submit(2, 1, Deadline.after(Duration.ofSeconds(1), clock));
        clock.advance(Duration.ofSeconds(1));
        b.recheck();
        assertThat(failureOf(waiting).code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
        assertThat(released(2)).isEqualTo(1);
        assertThat(running).isNotDone();
        runner.open(1);
        assertThat(running.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo("r1");
    }

    @Test
    void alreadyPassedDeadlineIsRefused() throws Exception {
        DynamicBatcher<Integer, String> b = batcher(policy(8, HOUR, 1000, 100), null, new FakeRunner());
        Deadline past = new Deadline(clock.nanoTime());
        PeregrineException e = failureOf(b.submit(1, 1, past));
        assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
        assertThat(AdmissionRejectedException.isRefusal(e)).isTrue();
        assertThat(released(1)).isZero();
    }

    @Test
    void cancellingAQueuedRequestFreesItsBytesAndReleasesOnce() throws Exception {
        FakeRunner runner = new FakeRunner();
        DynamicBatcher<Integer, String> b = batcher(policy(2, HOUR, 100, 100), null, runner);
        CompletableFuture<String> f = b.submit(1, 70, null);
        assertThat(b.submit(2, 70, null)).isCompletedExceptionally(); // budget full
        assertThat(f.cancel(true)).isTrue();
        assertThat(b.stats()).isEqualTo(new QueueStats(0, 0));
        assertThat(released(1)).isEqualTo(1);
        // The freed budget admits new work, and the cancelled item never reaches the runner.
        CompletableFuture<String> g = b.submit(3, 70, null);
        CompletableFuture<String> h = b.submit(4, 30, null);
        assertThat(runner.nextBatch()).containsExactly(3, 4);
        assertThat(g.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo("r3");
        assertThat(h.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo("r4");
        assertThat(released(1)).isEqualTo(1);
    }

    @Test
    void cancellingARunningRequestReleasesOnceAfterTheBatch() throws Exception {
        FakeRunner runner = new FakeRunner();
        runner.close();
        DynamicBatcher<Integer, String> b = batcher(policy(1, HOUR, 100, 100), null, runner);
        CompletableFuture<String> f = b.submit(1, 10, null);
        runner.nextBatch();
        f.cancel(true);
        assertThat(released(1)).as("the runner still uses the item").isZero();
        runner.open(2);
        CompletableFuture<String> next = b.submit(2, 10, null);
        assertThat(next.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo("r2"); // batches run in order on one instance
        assertThat(released(1)).isEqualTo(1);
        assertThat(f).isCancelled();
    }

    @Test
    void runnerFailureFailsTheWholeBatchAndReleases() throws Exception {
        FakeRunner runner = new FakeRunner();
        runner.failWith = new IllegalStateException("boom");
        DynamicBatcher<Integer, String> b = batcher(policy(2, HOUR, 100, 100), null, runner);
        CompletableFuture<String> f1 = b.submit(1, 1, null);
        CompletableFuture<String> f2 = b.submit(2, 1, null);
        assertThat(failureOf(f1).code()).isEqualTo(ErrorCode.ENGINE_FAILURE);
        assertThat(failureOf(f2).getMessage()).contains("boom");
        assertThat(released(1)).isEqualTo(1);
        assertThat(released(2)).isEqualTo(1);
        runner.failWith = PeregrineException.badInput("bad image");
        CompletableFuture<String> f3 = b.submit(3, 1, null);
        b.submit(4, 1, null);
        assertThat(failureOf(f3).code()).as("a PeregrineException keeps its code").isEqualTo(ErrorCode.BAD_INPUT);
    }

    @Test
    void wrongNumberOfResultsIsAnEngineFailure() throws Exception {
        BatchRunner<Integer, String> runner = batch -> List.of("only one");
        DynamicBatcher<Integer, String> b = new DynamicBatcher<>("m", policy(2, HOUR, 100, 100), runner, clock,
                BatcherListener.NOOP);
        started.add(b);
        CompletableFuture<String> f1 = b.submit(1, 1, null);
        b.submit(2, 1, null);
        PeregrineException e = failureOf(f1);
        assertThat(e.code()).isEqualTo(ErrorCode.ENGINE_FAILURE);
        assertThat(e.getMessage()).contains("returned 1 results for a batch of 2");
    }

    @Test
    void eachInstanceRunsItsOwnBatchConcurrently() throws Exception {
        FakeRunner a = new FakeRunner();
        FakeRunner c = new FakeRunner();
        a.close();
        c.close();
        DynamicBatcher<Integer, String> b = batcher(policy(1, HOUR, 100, 100), null, a, c);
        assertThat(b.instances()).isEqualTo(2);
        CompletableFuture<String> f1 = b.submit(1, 1, null);
        CompletableFuture<String> f2 = b.submit(2, 1, null);
        // Both batches are in flight at once, one on each runner, although neither has finished.
        List<Integer> seen = new ArrayList<>();
        seen.addAll(a.nextBatch());
        seen.addAll(c.nextBatch());
        assertThat(seen).containsExactlyInAnyOrder(1, 2);
        a.open(1);
        c.open(1);
        assertThat(f1.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo("r1");
        assertThat(f2.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo("r2");
    }

    @Test
    void batchGrowsWhileTheOnlyInstanceIsBusy() throws Exception {
        FakeRunner runner = new FakeRunner();
        runner.close();
        DynamicBatcher<Integer, String> b = batcher(policy(4, Duration.ZERO, 100, 100), null, runner);
        b.submit(1, 1, null);
        assertThat(runner.nextBatch()).containsExactly(1);
        for (int i = 2; i <= 4; i++) {
            b.submit(i, 1, null);
        }
        runner.open(2);
        // With zero delay each would go alone if an instance were free; the busy instance lets them gather.
        assertThat(runner.nextBatch()).containsExactly(2, 3, 4);
    }

    @Test
    void shutdownDrainsQueuedWorkWithinGrace() throws Exception {
        FakeRunner runner = new FakeRunner();
        runner.close();
        DynamicBatcher<Integer, String> b = batcher(policy(2, HOUR, 100, 100), null, runner);
        List<CompletableFuture<String>> fs = new ArrayList<>();
        fs.add(b.submit(1, 1, null));
        fs.add(b.submit(2, 1, null));
        assertThat(runner.nextBatch()).containsExactly(1, 2);
        fs.add(b.submit(3, 1, null)); // would wait an hour for a partner, but shutdown flushes it
        b.beginShutdown(HOUR);
        PeregrineException refused = failureOf(b.submit(9, 1, null));
        assertThat(refused.code()).isEqualTo(ErrorCode.OVERLOADED);
        assertThat(((AdmissionRejectedException) refused).reason()).isEqualTo(RejectReason.SHUTTING_DOWN);
        runner.open(Integer.MAX_VALUE / 2);
        assertThat(b.awaitTermination(Duration.ofSeconds(WAIT_S))).isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(fs.get(i).get(WAIT_S, TimeUnit.SECONDS)).isEqualTo("r" + (i + 1));
            assertThat(released(i + 1)).isEqualTo(1);
        }
        assertThat(released(9)).isZero();
    }

    @Test
    void shutdownFailsWhatIsLeftWhenGraceRunsOut() throws Exception {
        FakeRunner runner = new FakeRunner();
        runner.close();
        DynamicBatcher<Integer, String> b = batcher(policy(1, HOUR, 100, 100), null, runner);
        CompletableFuture<String> running = b.submit(1, 1, null);
        assertThat(runner.nextBatch()).containsExactly(1);
        CompletableFuture<String> q2 = b.submit(2, 1, null);
        CompletableFuture<String> q3 = b.submit(3, 1, null);
        b.beginShutdown(Duration.ofMillis(100));
        clock.advance(Duration.ofMillis(100));
        b.recheck();
        PeregrineException e = failureOf(q2);
        assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED);
        assertThat(AdmissionRejectedException.isRefusal(e)).as("accepted, then failed: not a refusal").isFalse();
        assertThat(failureOf(q3).code()).isEqualTo(ErrorCode.OVERLOADED);
        assertThat(released(2)).isEqualTo(1);
        assertThat(released(3)).isEqualTo(1);
        assertThat(running).isNotDone(); // a batch inside the engine is never cut off
        runner.open(1);
        assertThat(b.awaitTermination(Duration.ofSeconds(WAIT_S))).isTrue();
        assertThat(running.get()).isEqualTo("r1");
        assertThat(released(1)).isEqualTo(1);
        assertThat(b.shutdown(Duration.ZERO)).as("idempotent").isTrue();
    }

    /**
     * Many threads submit and cancel while the batcher runs on the real clock and is then shut down: every
     * accepted request completes exactly once and its item is released exactly once; refused items never are.
     */
    @Test
    void concurrentSubmitCancelAndShutdownKeepExactlyOnce() throws Exception {
        FakeRunner r1 = new FakeRunner();
        FakeRunner r2 = new FakeRunner();
        BatchPolicy p = new BatchPolicy(4, new int[]{2}, Duration.ofMillis(1), 64, 32, Duration.ofSeconds(30));
        AtomicInteger leftQueue = new AtomicInteger();
        AtomicInteger rejectedEvents = new AtomicInteger();
        BatcherListener counting = new BatcherListener() {
            @Override
            public void rejected(RejectReason reason) {
                rejectedEvents.incrementAndGet();
            }

            @Override
            public void dequeued(long queuedNanos) {
                leftQueue.incrementAndGet();
            }

            @Override
            public void expired(long queuedNanos) {
                leftQueue.incrementAndGet();
            }

            @Override
            public void cancelled(long queuedNanos) {
                leftQueue.incrementAndGet();
            }

            @Override
            public void abandoned(long queuedNanos) {
                leftQueue.incrementAndGet();
            }
        };
        DynamicBatcher<Integer, String> b = DynamicBatcher.<Integer, String>builder("stress", p)
                .listener(counting)
                .runner(r1).runner(r2)
                .releaser(id -> releases.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet())
                .build();
        started.add(b);
        int threads = 4;
        int perThread = 500;
        Map<Integer, CompletableFuture<String>> accepted = new ConcurrentHashMap<>();
        Map<Integer, Boolean> refused = new ConcurrentHashMap<>();
        AtomicInteger completions = new AtomicInteger();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            Thread th = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    int id = base + i;
                    CompletableFuture<String> f = b.submit(id, 1 + id % 5, null);
                    if (f.isCompletedExceptionally() && AdmissionRejectedException.isRefusal(failureCause(f))) {
                        refused.put(id, true);
                        continue;
                    }
                    accepted.put(id, f);
                    f.whenComplete((v, e) -> completions.incrementAndGet());
                    if (id % 3 == 0) {
                        f.cancel(true);
                    }
                }
            });
            ts.add(th);
            th.start();
        }
        for (int i = 0; i < ts.size() / 2; i++) {
            ts.get(i).join();
        }
        b.shutdown(Duration.ofMillis(5)); // while the other half still submits
        for (Thread th : ts) {
            th.join();
        }
        assertThat(accepted.size() + refused.size()).isEqualTo(threads * perThread);
        assertThat(accepted).isNotEmpty();
        for (Map.Entry<Integer, CompletableFuture<String>> e : accepted.entrySet()) {
            CompletableFuture<String> f = e.getValue();
            try {
                String v = f.get(WAIT_S, TimeUnit.SECONDS);
                assertThat(v).isEqualTo("r" + e.getKey());
            } catch (ExecutionException | CancellationException ignored) {
                // failed (shutdown) or cancelled: both are a completion
            }
            assertThat(released(e.getKey())).as("releases of accepted item %d", e.getKey()).isEqualTo(1);
        }
        for (Integer id : refused.keySet()) {
            assertThat(released(id)).as("releases of refused item %d", id).isZero();
        }
        assertThat(completions).hasValue(accepted.size());
        // Every accepted request left the queue exactly once, by exactly one route.
        assertThat(leftQueue).hasValue(accepted.size());
        assertThat(rejectedEvents).hasValue(refused.size());
        assertThat(b.stats()).isEqualTo(new QueueStats(0, 0));
    }

    private static Throwable failureCause(CompletableFuture<?> f) {
        try {
            f.getNow(null);
            return null;
        } catch (java.util.concurrent.CompletionException | CancellationException e) {
            return e.getCause() == null ? e : e.getCause();
        }
    }
}
