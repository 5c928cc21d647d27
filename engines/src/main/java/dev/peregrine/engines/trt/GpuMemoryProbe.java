package dev.peregrine.engines.trt;

import java.lang.reflect.InvocationTargetException;
import java.util.function.LongSupplier;

/**
 * Reads GPU memory use for metrics and benchmarks: device-wide use from {@code cudaMemGetInfo}, and this process's
 * use from NVML when {@code libnvidia-ml} is present (it is not on Jetson, and inside containers NVML reports host
 * process ids, so the process figure can be unknown there).
 *
 * <p>{@link #open(int)} never fails: without CUDA it returns a probe whose figures are -1 and whose
 * {@link #source()} says why. Hand {@link #gauge()} to a metrics registry.
 */
public interface GpuMemoryProbe extends AutoCloseable {

    /** Device memory in use on the device (total minus free), in bytes; -1 when unknown. */
    long deviceUsedBytes();

    /** Device memory this process uses according to NVML, in bytes; -1 when unknown. */
    long processUsedBytes();

    /** Total device memory in bytes; -1 when unknown. */
    long totalBytes();

    /** Where the figures come from ({@code nvml+cudaMemGetInfo}, {@code cudaMemGetInfo}) or why there are none. */
    String source();

    /** The process's use when NVML knows it, else the device-wide use, else -1. */
    default long usedBytes() {
        long p = processUsedBytes();
        return p >= 0 ? p : deviceUsedBytes();
    }

    /** {@link #usedBytes()} as a supplier for a gauge (e.g. {@code ServerMetrics}' GPU memory hook). */
    default LongSupplier gauge() {
        return this::usedBytes;
    }

    /** Releases NVML. Idempotent. */
    @Override
    void close();

    /**
     * A probe for CUDA device {@code device}. Loads the native implementation by name so that this interface works
     * on CPU-only class paths; without CUDA, returns {@link #unavailable}.
     */
    static GpuMemoryProbe open(int device) {
        try {
            return (GpuMemoryProbe) Class.forName("dev.peregrine.engines.trt.NativeGpuMemoryProbe", true,
                            GpuMemoryProbe.class.getClassLoader())
                    .getDeclaredConstructor(int.class).newInstance(device);
        } catch (InvocationTargetException e) {
            return unavailable(TrtNatives.rootMessage(e.getCause()));
        } catch (ReflectiveOperationException | LinkageError e) {
            return unavailable(TrtNatives.rootMessage(e));
        }
    }

    /** A probe that knows nothing; {@link #source()} is {@code unavailable: <reason>}. */
    static GpuMemoryProbe unavailable(String reason) {
        return new GpuMemoryProbe() {
            @Override
            public long deviceUsedBytes() {
                return -1;
            }

            @Override
            public long processUsedBytes() {
                return -1;
            }

            @Override
            public long totalBytes() {
                return -1;
            }

            @Override
            public String source() {
                return "unavailable: " + reason;
            }

            @Override
            public void close() {
            }
        };
    }
}
