package dev.peregrine.engines.trt;

import static org.bytedeco.cuda.global.cudart.cudaStreamCreateWithFlags;
import static org.bytedeco.cuda.global.cudart.cudaStreamDestroy;
import static org.bytedeco.cuda.global.cudart.cudaStreamNonBlocking;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;

import dev.peregrine.engines.PeregrineException;
import org.bytedeco.cuda.cudart.CUstream_st;

/** A non-blocking CUDA stream owned by one engine instance; {@link #close()} destroys it once. Native. */
final class CudaStream implements AutoCloseable {
    private CUstream_st stream;

    private CudaStream(CUstream_st stream) {
        this.stream = stream;
    }

    /** Creates a stream on the current device that does not synchronise with the legacy default stream. */
    static CudaStream create() throws PeregrineException {
        CUstream_st s = new CUstream_st();
        Cuda.check(cudaStreamCreateWithFlags(s, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
        return new CudaStream(s);
    }

    CUstream_st handle() {
        if (stream == null) {
            throw new IllegalStateException("CUDA stream is destroyed");
        }
        return stream;
    }

    /** Waits for everything queued on the stream. */
    void synchronize(String after) throws PeregrineException {
        Cuda.check(cudaStreamSynchronize(handle()), "cudaStreamSynchronize (after " + after + ")");
    }

    @Override
    public void close() throws PeregrineException {
        if (stream != null) {
            CUstream_st s = stream;
            stream = null;
            Cuda.check(cudaStreamDestroy(s), "cudaStreamDestroy");
        }
    }
}
