package dev.peregrine.engines.trt;

import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;

import dev.peregrine.engines.PeregrineException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Loader;

/**
 * The first GPU check of docs/GPU.md, runnable where only the NVIDIA driver and a CUDA 13 runtime exist (no
 * TensorRT, no network): it exercises, through the JavaCPP CUDA preset's JNI jar, the CUDA code the TensorRT runtime
 * is built on ({@link DeviceBuffer}, {@link PinnedBuffer}, {@link CudaStream}, {@link Cuda#check}, asynchronous
 * copies) and the VRAM probe the server's metrics read ({@link GpuMemoryProbe}), and prints one line per check.
 *
 * <pre>java -cp 'lib/*' dev.peregrine.engines.trt.CudaSmoke [device]</pre>
 *
 * Exit status: 0 when every check passed, 1 when one failed, 2 when CUDA could not be used at all (natives missing,
 * no device), with the reason.
 */
public final class CudaSmoke {
    private static final long DEVICE_BYTES = 256L << 20;
    private static final int COPY_BYTES = 64 << 20;
    private static final int COPY_REPEATS = 10;

    private final PrintStream out;
    private final int device;
    private int passed;
    private int failed;

    private CudaSmoke(PrintStream out, int device) {
        this.out = out;
        this.device = device;
    }

    /** Runs the checks on CUDA device {@code args[0]} (default 0) and exits with the status above. */
    public static void main(String[] args) {
        int device = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        System.exit(run(System.out, device));
    }

    /**
     * Runs the checks, printing to {@code out}.
     *
     * @return 0 all passed, 1 some failed, 2 CUDA unusable
     */
    static int run(PrintStream out, int device) {
        return new CudaSmoke(out, device).runAll();
    }

    private int runAll() {
        try {
            String lib = Loader.load(cudart.class);
            int count = Cuda.deviceCount();
            if (count <= device) {
                out.println("UNAVAILABLE CUDA device " + device + ": cudaGetDeviceCount reports " + count);
                return 2;
            }
            Cuda.setDevice(device);
            GpuIdentity gpu = Cuda.identity(device);
            pass("natives", "JNI " + lib + "; " + count + " device(s)");
            pass("device", String.format(Locale.ROOT, "%d: %s, compute capability %d.%d, %s, PCI %s", device,
                    gpu.name(), gpu.ccMajor(), gpu.ccMinor(), CudaErrors.bytes(gpu.totalMemory()), Cuda.pciBusId(device)));
        } catch (LinkageError | PeregrineException e) {
            out.println("UNAVAILABLE CUDA could not be used: " + TrtNatives.rootMessage(e));
            return 2;
        }
        check("memory-and-copies", this::memoryAndCopies);
        check("errors-are-named", this::errorsAreNamed);
        out.printf(Locale.ROOT, "CUDA smoke on device %d: %d passed, %d failed%n", device, passed, failed);
        return failed == 0 ? 0 : 1;
    }

    /**
     * Device memory is taken and given back (seen in cudaMemGetInfo and the VRAM probe), pinned host memory makes a
     * byte-exact round trip through the device on a stream, and close() is idempotent.
     */
    private void memoryAndCopies() throws Exception {
        long freeBefore = Cuda.memInfo()[0];
        DeviceBuffer deviceBuffer = DeviceBuffer.allocate("smoke", DEVICE_BYTES);
        try (GpuMemoryProbe probe = GpuMemoryProbe.open(device)) {
            long taken = freeBefore - Cuda.memInfo()[0];
            require(taken >= DEVICE_BYTES, "cudaMemGetInfo shows " + CudaErrors.bytes(taken) + " taken after a "
                    + CudaErrors.bytes(DEVICE_BYTES) + " cudaMalloc");
            pass("device-memory", CudaErrors.bytes(DEVICE_BYTES) + " cudaMalloc, cudaMemGetInfo free fell by "
                    + CudaErrors.bytes(taken));
            long process = probe.processUsedBytes();
            require(!probe.source().startsWith("unavailable"), "VRAM probe " + probe.source());
            require(probe.totalBytes() > 0 && probe.deviceUsedBytes() >= DEVICE_BYTES,
                    "VRAM probe: total " + probe.totalBytes() + ", device used " + probe.deviceUsedBytes());
            pass("vram-probe", "source " + probe.source() + ", total " + CudaErrors.bytes(probe.totalBytes())
                    + ", device used " + CudaErrors.bytes(probe.deviceUsedBytes()) + ", this process "
                    + (process < 0 ? "unknown" : CudaErrors.bytes(process)));
            copies(deviceBuffer);
        } finally {
            deviceBuffer.close();
        }
        deviceBuffer.close(); // idempotent
        long back = Cuda.memInfo()[0] - (freeBefore - DEVICE_BYTES);
        require(back >= DEVICE_BYTES - (64L << 20), "after cudaFree only " + CudaErrors.bytes(back) + " came back");
        pass("free", "cudaFree gave back " + CudaErrors.bytes(back) + "; a second close() is a no-op");
    }

    /** Pattern → pinned → device → pinned, compared byte for byte; then the copy bandwidth, timed on the stream. */
    private void copies(DeviceBuffer deviceBuffer) throws Exception {
        try (PinnedBuffer in = PinnedBuffer.allocate("smoke-in", COPY_BYTES);
             PinnedBuffer back = PinnedBuffer.allocate("smoke-out", COPY_BYTES);
             CudaStream stream = CudaStream.create()) {
            ByteBuffer src = in.buffer();
            for (int i = 0; i < COPY_BYTES; i += 4) {
                src.putInt(i, i * 0x9E3779B1);
            }
            copy(in, deviceBuffer, stream, cudaMemcpyHostToDevice);
            copy(back, deviceBuffer, stream, cudaMemcpyDeviceToHost);
            stream.synchronize("round trip");
            int mismatch = src.mismatch(back.buffer());
            require(mismatch < 0, "round trip differs at byte " + mismatch);
            double h2d = bandwidth(in, deviceBuffer, stream, cudaMemcpyHostToDevice);
            double d2h = bandwidth(back, deviceBuffer, stream, cudaMemcpyDeviceToHost);
            pass("pinned-round-trip", String.format(Locale.ROOT, "%s host -> device -> host on a non-blocking "
                    + "stream, byte-exact; host->device %.1f GB/s, device->host %.1f GB/s (pinned, %d copies each)",
                    CudaErrors.bytes(COPY_BYTES), h2d, d2h, COPY_REPEATS));
        }
    }

    private static void copy(PinnedBuffer host, DeviceBuffer dev, CudaStream stream, int kind)
            throws PeregrineException {
        boolean toDevice = kind == cudaMemcpyHostToDevice;
        Cuda.check(cudaMemcpyAsync(toDevice ? dev.pointer() : host.pointer(), toDevice ? host.pointer() : dev.pointer(),
                COPY_BYTES, kind, stream.handle()), "cudaMemcpyAsync(" + (toDevice ? "to device" : "to host") + ")");
    }

    /** GB/s (10^9 bytes) of {@link #COPY_REPEATS} copies queued back to back, wall time to the stream's end. */
    private static double bandwidth(PinnedBuffer host, DeviceBuffer dev, CudaStream stream, int kind)
            throws PeregrineException {
        long start = System.nanoTime();
        for (int r = 0; r < COPY_REPEATS; r++) {
            copy(host, dev, stream, kind);
        }
        stream.synchronize("timed copies");
        return (double) COPY_BYTES * COPY_REPEATS / (System.nanoTime() - start);
    }

    /** A bad device index and an impossible allocation fail with the call and CUDA's error named. */
    private void errorsAreNamed() throws Exception {
        try {
            Cuda.setDevice(Cuda.deviceCount() + 7);
            throw new AssertionError("cudaSetDevice on a missing device succeeded");
        } catch (PeregrineException e) {
            require(e.getMessage().contains("cudaSetDevice") && e.getMessage().contains("cudaErrorInvalidDevice"),
                    "unexpected message: " + e.getMessage());
            out.println("  " + e.getMessage());
        }
        Cuda.setDevice(device);
        long tooMuch = Cuda.memInfo()[1] * 4;
        try (DeviceBuffer never = DeviceBuffer.allocate("too-much", tooMuch)) {
            throw new AssertionError("cudaMalloc of " + CudaErrors.bytes(tooMuch) + " succeeded");
        } catch (PeregrineException e) {
            require(e.getMessage().contains("cudaErrorMemoryAllocation"), "unexpected message: " + e.getMessage());
            out.println("  " + e.getMessage());
        }
        pass("errors", "a missing device and an impossible cudaMalloc are named with CUDA's error");
    }

    @FunctionalInterface
    private interface Check {
        void run() throws Exception;
    }

    private void check(String name, Check check) {
        try {
            check.run();
        } catch (Exception | AssertionError | LinkageError e) {
            failed++;
            out.println("FAIL " + name + ": " + e);
        }
    }

    private void pass(String name, String detail) {
        passed++;
        out.println("PASS " + name + ": " + detail);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }
}
