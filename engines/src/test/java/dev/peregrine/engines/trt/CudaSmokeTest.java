package dev.peregrine.engines.trt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@link CudaSmoke}: one clear line and status 2 without CUDA; every check passing on a GPU. */
class CudaSmokeTest {

    private static boolean cudaUsable() {
        try (GpuMemoryProbe probe = GpuMemoryProbe.open(0)) {
            return !probe.source().startsWith("unavailable");
        }
    }

    private record Run(int status, String output) {
    }

    private static Run smoke() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            status = CudaSmoke.run(out, 0);
        }
        return new Run(status, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void withoutCudaItSaysWhyAndExitsWithTwo() {
        assumeFalse(cudaUsable(), "CUDA is usable here");
        Run r = smoke();
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.output()).startsWith("UNAVAILABLE CUDA could not be used: ").doesNotContain("PASS", "FAIL")
                .hasLineCount(1);
    }

    @Test
    @Tag("gpu")
    void everyCheckPassesOnAGpu() {
        assumeTrue(cudaUsable(), "no usable CUDA device");
        Run r = smoke();
        assertThat(r.status()).as(r.output()).isZero();
        assertThat(r.output()).contains("PASS device-memory", "PASS vram-probe", "PASS pinned-round-trip",
                "PASS free", "PASS errors").doesNotContain("FAIL");
    }
}
