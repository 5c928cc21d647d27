package dev.peregrine.engines.trt;

import static org.bytedeco.cuda.global.cudart.cudaFreeHost;
import static org.bytedeco.cuda.global.cudart.cudaMallocHost;

import dev.peregrine.engines.PeregrineException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Page-locked host memory from {@code cudaMallocHost}, seen from Java as a direct {@link ByteBuffer}. Asynchronous
 * copies need pinned memory to overlap with the stream; {@link #close()} frees it once. Native.
 */
final class PinnedBuffer implements AutoCloseable {
    private final String name;
    private Pointer ptr;
    private ByteBuffer view;

    private PinnedBuffer(String name, Pointer ptr, ByteBuffer view) {
        this.name = name;
        this.ptr = ptr;
        this.view = view;
    }

    /** Allocates {@code bytes} (at least 1) of pinned host memory. */
    static PinnedBuffer allocate(String name, long bytes) throws PeregrineException {
        if (bytes > Integer.MAX_VALUE) {
            throw PeregrineException.unsupported("host buffer for " + name + " would be " + CudaErrors.bytes(bytes)
                    + "; lower the batch size");
        }
        Pointer p = new Pointer();
        long n = Math.max(1, bytes);
        Cuda.check(cudaMallocHost(p, n), "cudaMallocHost(" + name + ", " + CudaErrors.bytes(bytes) + ")");
        ByteBuffer view = new BytePointer(p).capacity(n).limit(n).asByteBuffer().order(ByteOrder.nativeOrder());
        return new PinnedBuffer(name, p, view);
    }

    /** The host address, for {@code cudaMemcpyAsync}. */
    Pointer pointer() {
        if (ptr == null) {
            throw new IllegalStateException("pinned buffer " + name + " is freed");
        }
        return ptr;
    }

    /** The memory as a native-order direct buffer covering the whole allocation. Do not use after close. */
    ByteBuffer buffer() {
        if (view == null) {
            throw new IllegalStateException("pinned buffer " + name + " is freed");
        }
        return view;
    }

    @Override
    public void close() throws PeregrineException {
        if (ptr != null) {
            Pointer p = ptr;
            ptr = null;
            view = null;
            Cuda.check(cudaFreeHost(p), "cudaFreeHost(" + name + ")");
        }
    }
}
