package dev.peregrine.server.batch;

/**
 * Source of monotonic time in nanoseconds for queue delays and deadlines. Production code uses {@link #SYSTEM};
 * tests pass a clock they advance by hand so that batching decisions are checked without sleeping.
 */
@FunctionalInterface
public interface MonotonicClock {

    /**
     * {@link System#nanoTime()} shifted so that it starts near zero when this class loads. Why: the raw value has
     * an arbitrary origin and may sit close to {@code Long.MAX_VALUE}; shifting it lets deadlines be compared
     * directly ({@code now >= at}) and saturate at {@code Long.MAX_VALUE} for "never" without overflow for the
     * next 292 years.
     */
    MonotonicClock SYSTEM = new MonotonicClock() {
        private final long origin = System.nanoTime();

        @Override
        public long nanoTime() {
            return System.nanoTime() - origin;
        }

        @Override
        public String toString() {
            return "MonotonicClock.SYSTEM";
        }
    };

    /** Current time in nanoseconds; only differences and comparisons between readings are meaningful. */
    long nanoTime();
}
