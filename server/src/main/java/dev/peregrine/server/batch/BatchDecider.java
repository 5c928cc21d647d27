package dev.peregrine.server.batch;

/**
 * The batch decision as a pure function of (policy, queue state, now), after Triton's
 * {@code DynamicBatchScheduler::GetDynamicBatch}. Pure so that every rule is tested with made-up clock readings
 * and no threads or sleeps; {@link DynamicBatcher} only applies its answer.
 *
 * <p>Rules, first match wins:
 * <ol>
 *   <li>empty queue: wait until something arrives ({@link BatchDecision#FOREVER});</li>
 *   <li>{@code items >= maxBatch}: send {@code maxBatch} (the batch cannot grow);</li>
 *   <li>flushing (shutdown drain) or the oldest request has waited {@code maxQueueDelay}: send everything queued;</li>
 *   <li>a preferred size is reached: send the largest preferred size {@code <= items}. The view holds every
 *       request that has arrived, so nothing more is coming right now and waiting would only add latency;</li>
 *   <li>otherwise wait until the oldest request's delay runs out, or until the earliest deadline passes (so that an
 *       expiring request is answered on time), whichever is sooner.</li>
 * </ol>
 */
public final class BatchDecider {
    private BatchDecider() {
    }

    /**
     * Decides what to do with the queue described by {@code view} at clock reading {@code now}.
     *
     * @param policy the batching policy
     * @param view   live queue state (expired requests already removed)
     * @param now    current clock reading
     * @param flush  true while draining for shutdown: send whatever is queued without waiting
     */
    public static BatchDecision decide(BatchPolicy policy, QueueView view, long now, boolean flush) {
        int n = view.items();
        if (n == 0) {
            return new BatchDecision.WaitNanos(BatchDecision.FOREVER);
        }
        if (n >= policy.maxBatch()) {
            return new BatchDecision.SendNow(policy.maxBatch());
        }
        long delay = saturatedNanos(policy.maxQueueDelay());
        long waited = now - view.oldestEnqueuedAt();
        if (flush || waited >= delay) {
            return new BatchDecision.SendNow(n);
        }
        int preferred = policy.largestPreferredAtMost(n);
        if (preferred > 0) {
            return new BatchDecision.SendNow(preferred);
        }
        long untilDelay = delay - Math.max(0L, waited);
        long untilDeadline = view.earliestDeadline() == Long.MAX_VALUE
                ? BatchDecision.FOREVER : Math.max(0L, view.earliestDeadline() - now);
        return new BatchDecision.WaitNanos(Math.min(untilDelay, untilDeadline));
    }

    /** {@code d} in nanoseconds, saturating at {@code Long.MAX_VALUE} (a Duration can exceed 292 years). */
    static long saturatedNanos(java.time.Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
