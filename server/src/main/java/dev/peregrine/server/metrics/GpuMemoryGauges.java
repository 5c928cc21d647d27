package dev.peregrine.server.metrics;

import dev.peregrine.engines.Device;
import dev.peregrine.engines.trt.GpuMemoryProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * One {@code peregrine_gpu_memory_used_bytes{device}} gauge per CUDA device that serves a model, fed by a
 * {@link GpuMemoryProbe}: this process's use when NVML reports it, else the device-wide use (see
 * {@link GpuMemoryProbe#usedBytes()}). CPU devices get nothing, so a CPU-only server has no GPU series at all.
 *
 * <p>Owns the probes it opens and closes them in {@link #close()}; a gauge read after that reports NaN. A probe that
 * cannot read the device (no CUDA here) is closed at once and no gauge is registered for it, so that no series is
 * NaN for ever. Thread-safe.
 */
public final class GpuMemoryGauges implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GpuMemoryGauges.class);

    private final ServerMetrics metrics;
    private final IntFunction<GpuMemoryProbe> probes;
    /** Devices already decided, with their probe (null when the probe was unusable). */
    private final Map<Device, GpuMemoryProbe> devices = new LinkedHashMap<>();
    /** Volatile: the gauges read it at scrape time without the lock. */
    private volatile boolean closed;

    /** Gauges over the real probe, {@link GpuMemoryProbe#open(int)}. */
    public GpuMemoryGauges(ServerMetrics metrics) {
        this(metrics, GpuMemoryProbe::open);
    }

    /**
     * Gauges over probes made by {@code probes} (given a CUDA device index; must not throw: see
     * {@link GpuMemoryProbe#open(int)}), so tests can inject a fake.
     */
    public GpuMemoryGauges(ServerMetrics metrics, IntFunction<GpuMemoryProbe> probes) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.probes = Objects.requireNonNull(probes, "probes");
    }

    /**
     * Registers the gauge of {@code device} unless it is the CPU or was already seen. The probe is opened here, so
     * call this on a thread that may block briefly (loading CUDA's libraries), not on an event loop.
     *
     * @return true when {@code device} has a gauge now
     */
    public synchronized boolean register(Device device) {
        if (closed || device.kind() != Device.Kind.CUDA) {
            return false;
        }
        if (devices.containsKey(device)) {
            return devices.get(device) != null;
        }
        GpuMemoryProbe probe;
        try {
            probe = probes.apply(device.index());
        } catch (RuntimeException | LinkageError e) {
            // A metrics probe must never stop models from loading.
            log.warn("no GPU memory gauge for {}: the probe failed: {}", device, e.toString());
            devices.put(device, null);
            return false;
        }
        if (probe == null || probe.totalBytes() < 0) {
            String why = probe == null ? "no probe" : probe.source();
            log.warn("no GPU memory gauge for {}: {}", device, why);
            if (probe != null) {
                probe.close();
            }
            devices.put(device, null);
            return false;
        }
        devices.put(device, probe);
        metrics.registerGpuMemory(device.toString(), () -> closed ? Double.NaN : bytesOrNaN(probe.usedBytes()));
        log.info("GPU memory gauge for {} ({}, {} MiB total)", device, probe.source(), probe.totalBytes() >> 20);
        return true;
    }

    /** The probes' -1 ("unknown") as NaN, which Prometheus shows as a gap rather than a wrong value. */
    private static double bytesOrNaN(long bytes) {
        return bytes < 0 ? Double.NaN : bytes;
    }

    /** Closes every probe (the gauges stay registered and read NaN). Idempotent. */
    @Override
    public void close() {
        List<GpuMemoryProbe> open;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(devices.values());
        }
        for (GpuMemoryProbe p : open) {
            if (p != null) {
                p.close();
            }
        }
    }
}
