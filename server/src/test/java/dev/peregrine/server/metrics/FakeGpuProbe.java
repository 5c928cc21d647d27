package dev.peregrine.server.metrics;

import dev.peregrine.engines.trt.GpuMemoryProbe;

/** A GPU memory probe with settable figures, for tests without a GPU. */
public final class FakeGpuProbe implements GpuMemoryProbe {
    /** Figures in bytes; -1 means unknown, as in the real probe. */
    public volatile long device;
    public volatile long process;
    public volatile long total;
    public volatile int closes;

    /** A probe reporting {@code process} bytes for this process and {@code device} bytes device-wide. */
    public FakeGpuProbe(long process, long device, long total) {
        this.process = process;
        this.device = device;
        this.total = total;
    }

    @Override
    public long deviceUsedBytes() {
        return device;
    }

    @Override
    public long processUsedBytes() {
        return process;
    }

    @Override
    public long totalBytes() {
        return total;
    }

    @Override
    public String source() {
        return total < 0 ? "unavailable: fake without a GPU" : process >= 0 ? "fake nvml" : "fake cudaMemGetInfo";
    }

    @Override
    public synchronized void close() {
        closes++;
    }
}
