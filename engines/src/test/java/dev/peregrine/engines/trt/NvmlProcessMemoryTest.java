package dev.peregrine.engines.trt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NvmlProcessMemoryTest {
    @Test
    void picksOurPidAndSumsMigInstances() {
        int[] pids = {11, 42, 42, 7};
        long[] used = {100, 300, 200, 5};
        assertThat(NvmlProcessMemory.usedBy(42, pids, used, 4)).isEqualTo(500);
        assertThat(NvmlProcessMemory.usedBy(7, pids, used, 3)).isEqualTo(-1); // beyond count
        assertThat(NvmlProcessMemory.usedBy(99, pids, used, 4)).isEqualTo(-1);
    }

    @Test
    void notAvailableValuesAreUnknown() {
        // NVML_VALUE_NOT_AVAILABLE is 0xFFFFFFFFFFFFFFFF, i.e. -1 as a Java long.
        assertThat(NvmlProcessMemory.usedBy(42, new int[] {42}, new long[] {-1L}, 1)).isEqualTo(-1);
    }
}
