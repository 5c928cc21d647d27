package dev.peregrine.engines.trt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import org.junit.jupiter.api.Test;

class CudaErrorsTest {
    @Test
    void namesTheCallTheErrorAndItsMeaning() {
        PeregrineException e = CudaErrors.failure("cudaMalloc(output0, 1.2 MiB)", 2, "cudaErrorMemoryAllocation", "out of memory");
        assertThat(e.code()).isEqualTo(ErrorCode.ENGINE_FAILURE);
        assertThat(e).hasMessage("cudaMalloc(output0, 1.2 MiB) failed: cudaErrorMemoryAllocation (out of memory) [code 2]");
    }

    @Test
    void missingDeviceOrDriverIsUnavailableWithTheCpuAdvice() {
        PeregrineException e = CudaErrors.failure("cudaGetDeviceCount", 35, "cudaErrorInsufficientDriver",
                "CUDA driver version is insufficient for CUDA runtime version");
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e).hasMessageContaining("--device cpu");
    }

    @Test
    void worksWithoutNames() {
        assertThat(CudaErrors.failure("cudaFree(x)", 999, null, "")).hasMessage("cudaFree(x) failed: cudaError 999 [code 999]");
    }

    @Test
    void formatsByteCounts() {
        assertThat(CudaErrors.bytes(512)).isEqualTo("512 B");
        assertThat(CudaErrors.bytes(1_258_291)).isEqualTo("1.2 MiB");
        assertThat(CudaErrors.bytes(3L << 30)).isEqualTo("3.0 GiB");
    }
}
