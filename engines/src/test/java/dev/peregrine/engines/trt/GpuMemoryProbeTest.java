package dev.peregrine.engines.trt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;

class GpuMemoryProbeTest {
    @Test
    void withoutCudaTheProbeReportsUnknownAndWhy() {
        assumeFalse(TrtNatives.availability().isAvailable(), "CUDA is available here");
        try (GpuMemoryProbe probe = GpuMemoryProbe.open(0)) {
            assertThat(probe.source()).startsWith("unavailable: UnsatisfiedLinkError");
            assertThat(probe.deviceUsedBytes()).isEqualTo(-1);
            assertThat(probe.processUsedBytes()).isEqualTo(-1);
            assertThat(probe.totalBytes()).isEqualTo(-1);
            assertThat(probe.gauge().getAsLong()).isEqualTo(-1);
        }
    }

    @Test
    void usedBytesPrefersTheProcessFigure() {
        GpuMemoryProbe p = new GpuMemoryProbe() {
            long process = 300;

            @Override
            public long deviceUsedBytes() {
                return 1000;
            }

            @Override
            public long processUsedBytes() {
                return process;
            }

            @Override
            public long totalBytes() {
                return 4000;
            }

            @Override
            public String source() {
                return "test";
            }

            @Override
            public void close() {
                process = -1;
            }
        };
        assertThat(p.gauge().getAsLong()).isEqualTo(300);
        p.close();
        assertThat(p.usedBytes()).isEqualTo(1000);
    }
}
