package dev.peregrine.engines.trt;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.util.Set;

/**
 * Turns a failed CUDA runtime call into a {@link PeregrineException} naming the call, the error and what it means.
 * Pure Java: the native helper looks up the error's name and description and calls {@link #failure}.
 */
public final class CudaErrors {
    /** Errors that mean "no usable GPU here" rather than "the engine failed". */
    private static final Set<String> UNAVAILABLE = Set.of("cudaErrorNoDevice", "cudaErrorInsufficientDriver",
            "cudaErrorInvalidDevice", "cudaErrorDevicesUnavailable", "cudaErrorSystemDriverMismatch",
            "cudaErrorCompatNotSupportedOnDevice", "cudaErrorStubLibrary");

    private CudaErrors() {
    }

    /**
     * The exception for {@code call} returning {@code code}.
     *
     * @param call        the call and what it was for, e.g. {@code cudaMalloc(output0, 1.2 MiB)}
     * @param code        the {@code cudaError_t} value
     * @param name        {@code cudaGetErrorName(code)}, e.g. {@code cudaErrorMemoryAllocation}
     * @param description {@code cudaGetErrorString(code)}, e.g. {@code out of memory}
     * @return UNAVAILABLE for missing-device/driver errors, ENGINE_FAILURE otherwise
     */
    public static PeregrineException failure(String call, int code, String name, String description) {
        String n = name == null || name.isBlank() ? "cudaError " + code : name;
        String d = description == null || description.isBlank() ? "" : " (" + description + ")";
        ErrorCode ec = UNAVAILABLE.contains(n) ? ErrorCode.UNAVAILABLE : ErrorCode.ENGINE_FAILURE;
        String hint = ec == ErrorCode.UNAVAILABLE ? ". " + TrtAvailability.CPU_SUGGESTION : "";
        return new PeregrineException(ec, call + " failed: " + n + d + " [code " + code + "]" + hint);
    }

    /** A byte count for messages: {@code 512 B}, {@code 1.2 MiB}, {@code 3.0 GiB}. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
