package dev.peregrine.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyStatsTest {

    @Test
    void percentilesInterpolateLikeNumpyLinear() {
        long[] v = new long[100];
        for (int i = 0; i < 100; i++) {
            v[i] = (100 - i) * 1_000_000L; // 100..1 ms, unsorted on purpose
        }
        LatencyStats s = LatencyStats.ofNanos(v, v.length);
        // numpy.percentile(range(1, 101), [50, 90, 99]) = 50.5, 90.1, 99.01
        assertThat(s.p50Ms()).isCloseTo(50.5, within(1e-9));
        assertThat(s.p90Ms()).isCloseTo(90.1, within(1e-9));
        assertThat(s.p99Ms()).isCloseTo(99.01, within(1e-9));
        assertThat(s.meanMs()).isCloseTo(50.5, within(1e-9));
        assertThat(s.minMs()).isEqualTo(1.0);
        assertThat(s.maxMs()).isEqualTo(100.0);
        assertThat(s.count()).isEqualTo(100);
        assertThat(v[0]).as("input left unsorted").isEqualTo(100_000_000L);
    }

    @Test
    void smallSets() {
        assertThat(LatencyStats.percentile(new long[] {7}, 99)).isEqualTo(7.0);
        assertThat(LatencyStats.percentile(new long[] {1, 2, 3, 4}, 50)).isEqualTo(2.5);
        assertThat(LatencyStats.percentile(new long[] {10, 20}, 90)).isCloseTo(19.0, within(1e-9));
        assertThat(LatencyStats.percentile(new long[] {10, 20}, 0)).isEqualTo(10.0);
        assertThat(LatencyStats.percentile(new long[] {10, 20}, 100)).isEqualTo(20.0);
    }

    @Test
    void onlyTheFirstNValuesCount() {
        LatencyStats s = LatencyStats.ofNanos(new long[] {2_000_000, 4_000_000, 999_000_000}, 2);
        assertThat(s.count()).isEqualTo(2);
        assertThat(s.maxMs()).isEqualTo(4.0);
        assertThat(s.p50Ms()).isEqualTo(3.0);
    }

    @Test
    void emptyIsNaNAndBadArgumentsAreRefused() {
        assertThat(LatencyStats.ofNanos(new long[4], 0)).isEqualTo(LatencyStats.EMPTY);
        assertThat(LatencyStats.EMPTY.p50Ms()).isNaN();
        assertThatThrownBy(() -> LatencyStats.percentile(new long[0], 50)).isInstanceOf(
                IllegalArgumentException.class);
        assertThatThrownBy(() -> LatencyStats.percentile(new long[] {1}, 101)).isInstanceOf(
                IllegalArgumentException.class);
        assertThatThrownBy(() -> LatencyStats.ofNanos(new long[1], 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recorderGrowsAndSummarises() {
        LatencyRecorder r = new LatencyRecorder(1);
        for (int i = 1; i <= 1000; i++) {
            r.add(i * 1000L);
        }
        assertThat(r.count()).isEqualTo(1000);
        assertThat(r.stats().p50Ms()).isCloseTo(0.5005, within(1e-12));
        long[] sum = {0};
        r.forEach(v -> sum[0] += v);
        assertThat(sum[0]).isEqualTo(1000L * 1001 / 2 * 1000);
    }
}
