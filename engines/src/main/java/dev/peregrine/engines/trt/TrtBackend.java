package dev.peregrine.engines.trt;

import dev.peregrine.engines.Engine;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.PeregrineException;

/**
 * The native half of the TensorRT support, behind a pure-Java interface. The implementation references the
 * bytedeco TensorRT and CUDA classes and is only loaded (by name, through {@link TrtNatives}) after the probe has
 * found them, so that the provider and everything else in this package load on CPU-only class paths.
 */
public interface TrtBackend {

    /** Number of CUDA devices. */
    int deviceCount();

    /**
     * The TensorRT version and the GPU model of CUDA device {@code device}.
     *
     * @throws PeregrineException UNAVAILABLE for a device index that does not exist
     */
    BuildTarget target(int device) throws PeregrineException;

    /**
     * Deserializes {@code file}'s plan on the config's device and prepares it to run (execution context, stream,
     * buffers). The header has already been checked against {@link #target(int)}.
     */
    Engine open(EngineFile file, EngineConfig config, TrtOptions options) throws PeregrineException;
}
