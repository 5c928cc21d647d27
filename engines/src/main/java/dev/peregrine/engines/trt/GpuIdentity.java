package dev.peregrine.engines.trt;

import java.util.Objects;

/**
 * The GPU model an engine was built on or is about to run on. TensorRT engines are tuned for one GPU model: the
 * compute capability must match, and TensorRT only guarantees a plan on the exact model it was built for.
 *
 * @param name        the CUDA device name, e.g. {@code NVIDIA H100 80GB HBM3} or {@code Orin}
 * @param ccMajor     compute capability major (9 for Hopper, 8 for Ampere/Ada/Orin)
 * @param ccMinor     compute capability minor
 * @param totalMemory device memory in bytes (informational; not compared)
 */
public record GpuIdentity(String name, int ccMajor, int ccMinor, long totalMemory) {

    public GpuIdentity {
        Objects.requireNonNull(name, "name");
    }

    /** Compute capability as {@code major.minor}, e.g. {@code 8.7}. */
    public String computeCapability() {
        return ccMajor + "." + ccMinor;
    }

    /** True when both describe the same GPU model: same name and compute capability (memory is not compared). */
    public boolean sameModel(GpuIdentity other) {
        return ccMajor == other.ccMajor && ccMinor == other.ccMinor && name.trim().equals(other.name.trim());
    }

    @Override
    public String toString() {
        return name + " (compute capability " + computeCapability() + ")";
    }
}
