package dev.peregrine.engines.trt;

import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;

import dev.peregrine.engines.PeregrineException;
import org.bytedeco.javacpp.Pointer;

/** A block of device memory from {@code cudaMalloc}; {@link #close()} frees it once. Native. */
final class DeviceBuffer implements AutoCloseable {
    private final String name;
    private final long bytes;
    private Pointer ptr;

    private DeviceBuffer(String name, long bytes, Pointer ptr) {
        this.name = name;
        this.bytes = bytes;
        this.ptr = ptr;
    }

    /** Allocates {@code bytes} (at least 1) of device memory on the current device. */
    static DeviceBuffer allocate(String name, long bytes) throws PeregrineException {
        Pointer p = new Pointer();
        Cuda.check(cudaMalloc(p, Math.max(1, bytes)), "cudaMalloc(" + name + ", " + CudaErrors.bytes(bytes) + ")");
        return new DeviceBuffer(name, bytes, p);
    }

    /** The device address; valid until {@link #close()}. */
    Pointer pointer() {
        if (ptr == null) {
            throw new IllegalStateException("device buffer " + name + " is freed");
        }
        return ptr;
    }

    long bytes() {
        return bytes;
    }

    @Override
    public void close() throws PeregrineException {
        if (ptr != null) {
            Pointer p = ptr;
            ptr = null;
            Cuda.check(cudaFree(p), "cudaFree(" + name + ")");
        }
    }
}
