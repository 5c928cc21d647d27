package dev.peregrine.engines.trt;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.util.Objects;

/**
 * Whether TensorRT can be used in this process, and if not, why: the Java bindings are not on the class path (a
 * CPU-only build), the native libraries do not load (no driver, CUDA or TensorRT installed), or there is no CUDA
 * device.
 *
 * @param status what was found
 * @param detail the underlying error text (empty when available)
 */
public record TrtAvailability(Status status, String detail) {

    /** What the probe found. */
    public enum Status {
        /** Bindings, native libraries and at least one CUDA device are present. */
        AVAILABLE,
        /** {@code org.bytedeco:tensorrt} / {@code org.bytedeco:cuda} classes are missing (CPU-only build). */
        NO_BINDINGS,
        /** The classes are present but the native libraries failed to load. */
        NO_NATIVES,
        /** Everything loads but CUDA reports no usable device. */
        NO_DEVICE
    }

    /** The advice every UNAVAILABLE message ends with. */
    public static final String CPU_SUGGESTION = "Run the .onnx model on the CPU instead (--device cpu).";

    public TrtAvailability {
        Objects.requireNonNull(status, "status");
        detail = detail == null ? "" : detail;
    }

    /** An available result. */
    public static TrtAvailability available() {
        return new TrtAvailability(Status.AVAILABLE, "");
    }

    /** True when TensorRT can be used. */
    public boolean isAvailable() {
        return status == Status.AVAILABLE;
    }

    /** One line saying what is missing and what to do, suitable for a CLI error or an HTTP 503 body. */
    public String message() {
        return switch (status) {
            case AVAILABLE -> "TensorRT is available";
            case NO_BINDINGS -> "TensorRT is not available: this build has no TensorRT support (the org.bytedeco:tensorrt "
                    + "Java bindings are not on the class path; build with -Pgpu). " + CPU_SUGGESTION;
            case NO_NATIVES -> "TensorRT is not available: the TensorRT/CUDA native libraries could not be loaded ("
                    + detail + "). Install the NVIDIA driver, CUDA and TensorRT (docs/GPU.md), or build with -Pgpu,gpu-redist. "
                    + CPU_SUGGESTION;
            case NO_DEVICE -> "TensorRT is not available: no usable CUDA device (" + detail + "). " + CPU_SUGGESTION;
        };
    }

    /** The UNAVAILABLE exception for this result. */
    public PeregrineException toException() {
        return new PeregrineException(ErrorCode.UNAVAILABLE, message());
    }
}
