package dev.peregrine.engines.trt;

/** Picks this process's entry out of NVML's per-process list (pure Java, so the rules are unit-tested). */
final class NvmlProcessMemory {
    private NvmlProcessMemory() {
    }

    /**
     * Memory used by {@code pid} according to the first {@code count} entries of NVML's compute-process list.
     * NVML reports {@code NVML_VALUE_NOT_AVAILABLE} (all bits set, -1 as a Java long) where it cannot tell (Windows
     * WDDM, some containers): those count as unknown.
     *
     * @return bytes, or -1 when the process is not listed or its figure is unavailable
     */
    static long usedBy(long pid, int[] pids, long[] used, int count) {
        long total = -1;
        for (int i = 0; i < count; i++) {
            if (pids[i] == pid && used[i] >= 0) {
                // A process can appear once per compute instance (MIG): add them up.
                total = (total < 0 ? 0 : total) + used[i];
            }
        }
        return total;
    }
}
