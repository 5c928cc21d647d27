package dev.peregrine.engines.trt;

import dev.peregrine.engines.EngineOptions;

/**
 * Options of the TensorRT engine provider.
 *
 * @param dlaCore            DLA core to run a DLA engine on, or -1 for the core recorded at build time; ignored for
 *                           GPU engines
 * @param allowOtherGpuModel load an engine built on another GPU model with the same compute capability (TensorRT
 *                           may still refuse it, or run it slower than an engine built here)
 */
public record TrtOptions(int dlaCore, boolean allowOtherGpuModel) implements EngineOptions {

    public TrtOptions {
        if (dlaCore < -1) {
            throw new IllegalArgumentException("dlaCore must be >= -1, got " + dlaCore);
        }
    }

    /** The recorded DLA core, and only engines built on this GPU model. */
    public static TrtOptions defaults() {
        return new TrtOptions(-1, false);
    }
}
