package dev.peregrine.server.batch;

import dev.peregrine.engines.PeregrineException;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * How one model's {@link DynamicBatcher} forms batches and bounds its queue.
 *
 * @param maxBatch       largest batch handed to the runner (1 disables batching)
 * @param preferredSizes batch sizes worth sending at once when reached (Triton's {@code preferred_batch_size});
 *                       normalised to ascending, distinct values in {@code 1..maxBatch}; may be empty
 * @param maxQueueDelay  longest the oldest queued request waits for a batch to fill; zero sends at once
 * @param maxQueueBytes  admission budget: the sum of {@code bytes} of queued requests never exceeds it
 * @param maxQueueItems  admission budget: the number of queued requests never exceeds it
 * @param defaultTimeout deadline applied to requests submitted without one
 */
public record BatchPolicy(int maxBatch, int[] preferredSizes, Duration maxQueueDelay, long maxQueueBytes,
                          int maxQueueItems, Duration defaultTimeout) {

    /** Default queue delay: long enough to gather a few concurrent requests, short next to a CPU inference. */
    public static final Duration DEFAULT_QUEUE_DELAY = Duration.ofMillis(2);
    /** Default per-request timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Default byte budget: 512 MiB of prepared images (a 640x640 BGR image is 1.2 MB). */
    public static final long DEFAULT_QUEUE_BYTES = 512L << 20;

    /**
     * Validates and normalises.
     *
     * @throws IllegalArgumentException naming the bad field; {@link #of} reports the same as BAD_INPUT
     */
    public BatchPolicy {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
        }
        int[] sizes = preferredSizes == null ? new int[0] : Arrays.stream(preferredSizes).sorted().distinct().toArray();
        for (int s : sizes) {
            if (s < 1 || s > maxBatch) {
                throw new IllegalArgumentException("preferred batch size " + s + " is outside 1.." + maxBatch);
            }
        }
        preferredSizes = sizes;
        Objects.requireNonNull(maxQueueDelay, "maxQueueDelay");
        if (maxQueueDelay.isNegative()) {
            throw new IllegalArgumentException("maxQueueDelay must be >= 0, got " + maxQueueDelay);
        }
        if (maxQueueBytes < 1) {
            throw new IllegalArgumentException("maxQueueBytes must be >= 1, got " + maxQueueBytes);
        }
        if (maxQueueItems < 1) {
            throw new IllegalArgumentException("maxQueueItems must be >= 1, got " + maxQueueItems);
        }
        Objects.requireNonNull(defaultTimeout, "defaultTimeout");
        if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
            throw new IllegalArgumentException("defaultTimeout must be > 0, got " + defaultTimeout);
        }
    }

    /** Like the constructor, but reports invalid values as {@link dev.peregrine.engines.ErrorCode#BAD_INPUT}. */
    public static BatchPolicy of(int maxBatch, int[] preferredSizes, Duration maxQueueDelay, long maxQueueBytes,
                                 int maxQueueItems, Duration defaultTimeout) throws PeregrineException {
        try {
            return new BatchPolicy(maxBatch, preferredSizes, maxQueueDelay, maxQueueBytes, maxQueueItems,
                    defaultTimeout);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw PeregrineException.badInput("invalid batch policy: " + e.getMessage());
        }
    }

    /**
     * Defaults for a model that takes batches up to {@code maxBatch}: no preferred sizes, 2 ms queue delay,
     * 512 MiB / {@code 64 * maxBatch} items queue budget, 30 s timeout.
     */
    public static BatchPolicy defaults(int maxBatch) {
        return new BatchPolicy(maxBatch, new int[0], DEFAULT_QUEUE_DELAY, DEFAULT_QUEUE_BYTES,
                Math.max(64, 64 * maxBatch), DEFAULT_TIMEOUT);
    }

    /** A copy with another {@code maxBatch}; preferred sizes above it are dropped. */
    public BatchPolicy withMaxBatch(int newMaxBatch) {
        int[] kept = Arrays.stream(preferredSizes).filter(s -> s <= newMaxBatch).toArray();
        return new BatchPolicy(newMaxBatch, kept, maxQueueDelay, maxQueueBytes, maxQueueItems, defaultTimeout);
    }

    @Override
    public int[] preferredSizes() {
        return preferredSizes.clone();
    }

    /** The largest preferred size {@code <= n}, or 0 when there is none. */
    int largestPreferredAtMost(int n) {
        int best = 0;
        for (int s : preferredSizes) {
            if (s <= n) {
                best = s;
            }
        }
        return best;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchPolicy p && p.maxBatch == maxBatch && Arrays.equals(p.preferredSizes, preferredSizes)
                && p.maxQueueDelay.equals(maxQueueDelay) && p.maxQueueBytes == maxQueueBytes
                && p.maxQueueItems == maxQueueItems && p.defaultTimeout.equals(defaultTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxBatch, Arrays.hashCode(preferredSizes), maxQueueDelay, maxQueueBytes, maxQueueItems,
                defaultTimeout);
    }

    @Override
    public String toString() {
        return "BatchPolicy[maxBatch=" + maxBatch + ", preferredSizes=" + Arrays.toString(preferredSizes)
                + ", maxQueueDelay=" + maxQueueDelay + ", maxQueueBytes=" + maxQueueBytes + ", maxQueueItems="
                + maxQueueItems + ", defaultTimeout=" + defaultTimeout + "]";
    }
}
