package dev.peregrine.engines.trt;

import static org.bytedeco.cuda.global.cudart.cudaDeviceGetPCIBusId;
import static org.bytedeco.cuda.global.cudart.cudaErrorNoDevice;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceCount;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceProperties;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorName;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaMemGetInfo;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;
import static org.bytedeco.cuda.global.cudart.cudaSuccess;

import dev.peregrine.engines.PeregrineException;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * Checked wrappers of the CUDA runtime calls Peregrine makes. Every call's return code goes through
 * {@link #check}, which names the call in the exception. Native: only use after {@link TrtNatives} found CUDA.
 */
public final class Cuda {
    private Cuda() {
    }

    /**
     * Throws when {@code code} is not {@code cudaSuccess}.
     *
     * @param call the call and its purpose, e.g. {@code cudaMalloc(images, 4.7 MiB)}
     * @throws PeregrineException ENGINE_FAILURE (UNAVAILABLE for missing device/driver) naming the call and error
     */
    public static void check(int code, String call) throws PeregrineException {
        if (code != cudaSuccess) {
            throw CudaErrors.failure(call, code, text(cudaGetErrorName(code)), text(cudaGetErrorString(code)));
        }
    }

    /** Number of CUDA devices; 0 when the runtime reports none. */
    public static int deviceCount() throws PeregrineException {
        int[] n = new int[1];
        int code = cudaGetDeviceCount(n);
        if (code == cudaErrorNoDevice) {
            return 0;
        }
        check(code, "cudaGetDeviceCount");
        return n[0];
    }

    /** Makes {@code device} current on the calling thread (CUDA's current device is per thread). */
    public static void setDevice(int device) throws PeregrineException {
        check(cudaSetDevice(device), "cudaSetDevice(" + device + ")");
    }

    /** Name, compute capability and memory of {@code device}. */
    public static GpuIdentity identity(int device) throws PeregrineException {
        try (cudaDeviceProp prop = new cudaDeviceProp()) {
            check(cudaGetDeviceProperties(prop, device), "cudaGetDeviceProperties(" + device + ")");
            return new GpuIdentity(prop.name().getString().trim(), prop.major(), prop.minor(), prop.totalGlobalMem());
        }
    }

    /** PCI bus id of {@code device} ({@code 0000:01:00.0}), the key NVML finds the same GPU by. */
    public static String pciBusId(int device) throws PeregrineException {
        byte[] id = new byte[64];
        check(cudaDeviceGetPCIBusId(id, id.length, device), "cudaDeviceGetPCIBusId(" + device + ")");
        int n = 0;
        while (n < id.length && id[n] != 0) {
            n++;
        }
        return new String(id, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** {@code {free, total}} device memory of the current device, in bytes. */
    public static long[] memInfo() throws PeregrineException {
        try (SizeTPointer free = new SizeTPointer(1); SizeTPointer total = new SizeTPointer(1)) {
            check(cudaMemGetInfo(free, total), "cudaMemGetInfo");
            return new long[] {free.get(), total.get()};
        }
    }

    private static String text(BytePointer p) {
        return p == null || p.isNull() ? "" : p.getString();
    }
}
