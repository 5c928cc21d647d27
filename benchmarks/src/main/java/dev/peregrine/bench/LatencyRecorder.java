package dev.peregrine.bench;

import java.util.Arrays;

/**
 * Collects latency samples in nanoseconds in a growable primitive array, so that recording one sample allocates
 * nothing in the common case (the array doubles now and then). Not thread-safe: one recorder per measuring thread.
 */
public final class LatencyRecorder {
    private long[] samples;
    private int count;

    /** A recorder with room for {@code initialCapacity} samples before it grows. */
    public LatencyRecorder(int initialCapacity) {
        this.samples = new long[Math.max(16, initialCapacity)];
    }

    /** Adds one sample. */
    public void add(long nanos) {
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, samples.length * 2);
        }
        samples[count++] = nanos;
    }

    /** Number of samples. */
    public int count() {
        return count;
    }

    /** Passes every sample, in recording order, to {@code sink}. */
    public void forEach(java.util.function.LongConsumer sink) {
        for (int i = 0; i < count; i++) {
            sink.accept(samples[i]);
        }
    }

    /** Summary of the samples so far. */
    public LatencyStats stats() {
        return LatencyStats.ofNanos(samples, count);
    }
}
