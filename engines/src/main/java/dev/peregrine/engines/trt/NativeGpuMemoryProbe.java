package dev.peregrine.engines.trt;

import static org.bytedeco.cuda.global.nvml.NVML_ERROR_INSUFFICIENT_SIZE;
import static org.bytedeco.cuda.global.nvml.NVML_SUCCESS;
import static org.bytedeco.cuda.global.nvml.nvmlDeviceGetComputeRunningProcesses_v3;
import static org.bytedeco.cuda.global.nvml.nvmlDeviceGetHandleByPciBusId_v2;
import static org.bytedeco.cuda.global.nvml.nvmlInit_v2;
import static org.bytedeco.cuda.global.nvml.nvmlShutdown;

import dev.peregrine.engines.PeregrineException;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.nvml;
import org.bytedeco.cuda.nvml.nvmlDevice_st;
import org.bytedeco.cuda.nvml.nvmlProcessInfo_v2_t;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link GpuMemoryProbe} over {@code cudaMemGetInfo} and, when {@code libnvidia-ml} loads, NVML's per-process list.
 * Instantiated by name from {@link GpuMemoryProbe#open(int)}; the constructor fails with a {@link LinkageError}
 * where CUDA's natives are missing. Thread-safe (synchronized: a metrics scrape and a benchmark may read at once).
 */
final class NativeGpuMemoryProbe implements GpuMemoryProbe {
    private static final Logger LOG = LoggerFactory.getLogger(NativeGpuMemoryProbe.class);

    private final int device;
    private final long pid = ProcessHandle.current().pid();
    private nvmlDevice_st nvmlDevice;
    private nvmlProcessInfo_v2_t infos;
    private int capacity;
    private int[] pids = new int[0];
    private long[] used = new long[0];
    private boolean closed;

    /** Loads CUDA (and NVML if present); makes {@code device} current on the calling thread to check it exists. */
    NativeGpuMemoryProbe(int device) throws PeregrineException {
        Loader.load(cudart.class);
        this.device = device;
        Cuda.setDevice(device);
        this.nvmlDevice = openNvml(device);
    }

    /** NVML's handle for the same GPU (matched by PCI bus id), or null when NVML is absent or fails. */
    private static nvmlDevice_st openNvml(int device) {
        try {
            Loader.load(nvml.class);
            if (nvmlInit_v2() != NVML_SUCCESS) {
                return null;
            }
            try (PointerPointer<nvmlDevice_st> handle = new PointerPointer<>(1)) {
                if (nvmlDeviceGetHandleByPciBusId_v2(Cuda.pciBusId(device), handle) != NVML_SUCCESS) {
                    nvmlShutdown();
                    return null;
                }
                return new nvmlDevice_st(handle.get(0));
            }
        } catch (LinkageError | PeregrineException e) {
            LOG.debug("NVML unavailable, per-process GPU memory unknown: {}", e.toString());
            return null;
        }
    }

    @Override
    public synchronized long deviceUsedBytes() {
        long[] m = memInfo();
        return m == null ? -1 : m[1] - m[0];
    }

    @Override
    public synchronized long totalBytes() {
        long[] m = memInfo();
        return m == null ? -1 : m[1];
    }

    private long[] memInfo() {
        if (closed) {
            return null;
        }
        try {
            Cuda.setDevice(device);
            return Cuda.memInfo();
        } catch (PeregrineException e) {
            LOG.debug("cudaMemGetInfo failed: {}", e.getMessage());
            return null;
        }
    }

    @Override
    public synchronized long processUsedBytes() {
        if (closed || nvmlDevice == null) {
            return -1;
        }
        int[] count = {capacity};
        int rc = nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice, count, infos);
        if (rc == NVML_ERROR_INSUFFICIENT_SIZE) {
            // The list grew: make room (with slack for processes starting meanwhile) and ask again.
            grow(count[0] + 8);
            count[0] = capacity;
            rc = nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice, count, infos);
        }
        if (rc != NVML_SUCCESS) {
            return -1;
        }
        for (int i = 0; i < count[0]; i++) {
            nvmlProcessInfo_v2_t e = infos.getPointer(i);
            pids[i] = e.pid();
            used[i] = e.usedGpuMemory();
        }
        return NvmlProcessMemory.usedBy(pid, pids, used, count[0]);
    }

    private void grow(int n) {
        if (infos != null) {
            infos.close();
        }
        infos = new nvmlProcessInfo_v2_t(n);
        capacity = n;
        pids = new int[n];
        used = new long[n];
    }

    @Override
    public String source() {
        return nvmlDevice != null ? "nvml+cudaMemGetInfo" : "cudaMemGetInfo";
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (infos != null) {
            infos.close();
        }
        if (nvmlDevice != null) {
            nvmlDevice = null;
            nvmlShutdown();
        }
    }
}
