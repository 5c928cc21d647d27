package dev.peregrine.server.batch;

/**
 * What a {@link DynamicBatcher} should do next with its queue: send a batch now, or wait. Produced by the pure
 * function {@link BatchDecider#decide}.
 */
public sealed interface BatchDecision permits BatchDecision.SendNow, BatchDecision.WaitNanos {

    /** Wait with no timeout: nothing can change until a request arrives or leaves. */
    long FOREVER = Long.MAX_VALUE;

    /**
     * Send the {@code size} oldest queued requests as one batch.
     *
     * @param size batch size, 1..maxBatch
     */
    record SendNow(int size) implements BatchDecision {
        public SendNow {
            if (size < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + size);
            }
        }
    }

    /**
     * Re-evaluate after {@code nanos} (or earlier, when a request arrives or leaves).
     *
     * @param nanos clock nanoseconds to wait, {@code >= 0}; {@link #FOREVER} for no timeout
     */
    record WaitNanos(long nanos) implements BatchDecision {
        public WaitNanos {
            if (nanos < 0) {
                throw new IllegalArgumentException("wait must be >= 0, got " + nanos);
            }
        }

        /** True when the wait has no timeout. */
        public boolean forever() {
            return nanos == FOREVER;
        }
    }
}
