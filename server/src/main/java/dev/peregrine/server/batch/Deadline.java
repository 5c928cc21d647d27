package dev.peregrine.server.batch;

import java.time.Duration;
import java.util.Objects;

/**
 * The instant, on a {@link MonotonicClock}, after which a request is no longer worth answering.
 *
 * @param atNanos clock reading at which the deadline passes; {@code Long.MAX_VALUE} means never
 */
public record Deadline(long atNanos) {

    /** A deadline that never passes. */
    public static final Deadline NONE = new Deadline(Long.MAX_VALUE);

    /**
     * The deadline {@code timeout} from now on {@code clock}. Saturates at {@link #NONE} instead of overflowing.
     *
     * @throws IllegalArgumentException for a negative timeout
     */
    public static Deadline after(Duration timeout, MonotonicClock clock) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be >= 0, got " + timeout);
        }
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return NONE;
        }
        long now = clock.nanoTime();
        long at = now + nanos;
        // Overflow check: both are >= 0 in practice, so a wrap shows up as a sum smaller than either part.
        return at < now ? NONE : new Deadline(at);
    }

    /** True when the deadline has passed at clock reading {@code now}. */
    public boolean expired(long now) {
        return atNanos != Long.MAX_VALUE && now >= atNanos;
    }

    /** Nanoseconds left at {@code now} (0 once expired, {@code Long.MAX_VALUE} for {@link #NONE}). */
    public long remainingNanos(long now) {
        if (atNanos == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        return Math.max(0L, atNanos - now);
    }

    /** The earlier of this deadline and {@code other}. */
    public Deadline min(Deadline other) {
        return other.atNanos < atNanos ? other : this;
    }
}
