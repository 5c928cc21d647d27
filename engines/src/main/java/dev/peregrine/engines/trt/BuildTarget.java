package dev.peregrine.engines.trt;

import java.util.Objects;

/**
 * What a TensorRT engine is bound to: the TensorRT version and the GPU model. Recorded in the engine header at build
 * time and compared with the machine's at load time.
 *
 * @param tensorRt TensorRT library version
 * @param gpu      GPU model
 */
public record BuildTarget(TrtVersion tensorRt, GpuIdentity gpu) {

    public BuildTarget {
        Objects.requireNonNull(tensorRt, "tensorRt");
        Objects.requireNonNull(gpu, "gpu");
    }

    @Override
    public String toString() {
        return "TensorRT " + tensorRt + " on " + gpu;
    }
}
