package dev.peregrine.engines.trt;

import java.util.Objects;

/**
 * How an engine was built, recorded in its header so that a user can see (and repeat) the build.
 *
 * @param sourceModel    file name of the ONNX model the engine was built from, e.g. {@code yolov8n.onnx}
 * @param workspaceBytes builder workspace limit in bytes, 0 for TensorRT's default
 * @param dlaCore        DLA core the engine runs on, -1 for the GPU
 * @param gpuFallback    whether layers the DLA cannot run fall back to the GPU
 * @param timingCache    timing cache file used, or null
 * @param builtAt        ISO-8601 build time
 */
public record BuildSettings(String sourceModel, long workspaceBytes, int dlaCore, boolean gpuFallback,
                            String timingCache, String builtAt) {

    public BuildSettings {
        Objects.requireNonNull(sourceModel, "sourceModel");
        Objects.requireNonNull(builtAt, "builtAt");
        if (workspaceBytes < 0) {
            throw new IllegalArgumentException("workspaceBytes must be >= 0, got " + workspaceBytes);
        }
        if (dlaCore < -1) {
            throw new IllegalArgumentException("dlaCore must be >= -1, got " + dlaCore);
        }
    }

    /** True when the engine runs on a DLA core. */
    public boolean usesDla() {
        return dlaCore >= 0;
    }
}
