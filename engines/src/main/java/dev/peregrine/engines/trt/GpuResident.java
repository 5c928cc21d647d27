package dev.peregrine.engines.trt;

/**
 * An engine that holds GPU memory. Servers and benchmarks check {@code engine instanceof GpuResident} to report
 * what loading a model cost in VRAM.
 */
public interface GpuResident {

    /** The CUDA device the engine runs on. */
    int deviceIndex();

    /**
     * Device memory that loading this engine took: free memory before the load minus free memory after it (weights,
     * execution context, I/O buffers). Other processes allocating at the same time distort it; -1 when unknown.
     */
    long deviceBytesAtLoad();
}
