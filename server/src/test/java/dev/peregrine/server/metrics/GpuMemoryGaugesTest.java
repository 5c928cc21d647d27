package dev.peregrine.server.metrics;

import dev.peregrine.engines.Device;
import dev.peregrine.engines.trt.GpuMemoryProbe;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

class GpuMemoryGaugesTest {
    private static final Device CUDA0 = new Device(Device.Kind.CUDA, 0);
    private static final Device CUDA1 = new Device(Device.Kind.CUDA, 1);

    private final ServerMetrics metrics = new ServerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            Path.of("/nonexistent/status"));
    private final List<Integer> opened = new ArrayList<>();

    private IntFunction<GpuMemoryProbe> probes(Map<Integer, GpuMemoryProbe> byIndex) {
        return index -> {
            opened.add(index);
            return byIndex.get(index);
        };
    }

    /** The value of {@code device}'s gauge in a scrape, if the series exists. */
    static OptionalDouble gauge(ServerMetrics metrics, String device) {
        String prefix = "peregrine_gpu_memory_used_bytes{device=\"" + device + "\"} ";
        return metrics.scrape().lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()))).findFirst();
    }

    @Test
    void cudaDeviceGetsAGaugeWithTheProcessFigureWhenNvmlKnowsIt() {
        FakeGpuProbe probe = new FakeGpuProbe(1_250_000_000L, 7_000_000_000L, 24_000_000_000L);
        GpuMemoryGauges gauges = new GpuMemoryGauges(metrics, probes(Map.of(0, probe)));
        assertThat(gauges.register(CUDA0)).isTrue();
        assertThat(gauge(metrics, "cuda:0")).hasValue(1.25e9);
        // Read at every scrape, not copied at registration.
        probe.process = 2_000_000_000L;
        assertThat(gauge(metrics, "cuda:0")).hasValue(2e9);
        // NVML lost the process (or is absent, as on Jetson): the device-wide figure.
        probe.process = -1;
        assertThat(gauge(metrics, "cuda:0")).hasValue(7e9);
        // Nothing known at all: NaN, never -1 bytes.
        probe.device = -1;
        assertThat(gauge(metrics, "cuda:0").orElseThrow()).isNaN();
    }

    @Test
    void cpuRegistersNothingAndOpensNoProbe() {
        GpuMemoryGauges gauges = new GpuMemoryGauges(metrics, probes(Map.of()));
        assertThat(gauges.register(Device.CPU)).isFalse();
        assertThat(opened).isEmpty();
        assertThat(metrics.scrape()).doesNotContain("peregrine_gpu");
    }

    @Test
    void oneProbePerDeviceHowEverManyModelsUseIt() {
        FakeGpuProbe p0 = new FakeGpuProbe(1_000_000_000L, 2_000_000_000L, 8_000_000_000L);
        FakeGpuProbe p1 = new FakeGpuProbe(-1, 3_000_000_000L, 8_000_000_000L);
        GpuMemoryGauges gauges = new GpuMemoryGauges(metrics, probes(Map.of(0, p0, 1, p1)));
        assertThat(gauges.register(CUDA0)).isTrue();
        assertThat(gauges.register(CUDA1)).isTrue();
        assertThat(gauges.register(CUDA0)).isTrue();
        assertThat(opened).containsExactly(0, 1);
        assertThat(gauge(metrics, "cuda:0")).hasValue(1e9);
        assertThat(gauge(metrics, "cuda:1")).hasValue(3e9);
    }

    @Test
    void probeThatCannotReadTheDeviceIsClosedAndAddsNoSeries() {
        FakeGpuProbe dead = new FakeGpuProbe(-1, -1, -1);
        GpuMemoryGauges gauges = new GpuMemoryGauges(metrics, probes(Map.of(0, dead)));
        assertThat(gauges.register(CUDA0)).isFalse();
        assertThat(dead.closes).isEqualTo(1);
        // Decided once: not retried for every model on the device.
        assertThat(gauges.register(CUDA0)).isFalse();
        assertThat(opened).containsExactly(0);
        assertThat(metrics.scrape()).doesNotContain("peregrine_gpu");
    }

    @Test
    void realProbeWithoutCudaAddsNoSeries() {
        // This machine has no CUDA (and the server's class path no CUDA bindings): the real probe says so.
        GpuMemoryProbe real = GpuMemoryProbe.open(0);
        org.junit.jupiter.api.Assumptions.assumeTrue(real.totalBytes() < 0, "CUDA is available here");
        real.close();
        GpuMemoryGauges gauges = new GpuMemoryGauges(metrics);
        assertThat(gauges.register(CUDA0)).isFalse();
        assertThat(metrics.scrape()).doesNotContain("peregrine_gpu");
    }

    @Test
    void failingProbeFactoryDoesNotThrow() {
        GpuMemoryGauges gauges = new GpuMemoryGauges(metrics, i -> {
            throw new IllegalStateException("boom");
        });
        assertThat(gauges.register(CUDA0)).isFalse();
        assertThat(metrics.scrape()).doesNotContain("peregrine_gpu");
    }

    @Test
    void closeClosesEveryProbeOnceAndTheGaugeThenReadsNaN() {
        FakeGpuProbe p0 = new FakeGpuProbe(1_000_000_000L, 2_000_000_000L, 8_000_000_000L);
        GpuMemoryGauges gauges = new GpuMemoryGauges(metrics, probes(Map.of(0, p0)));
        gauges.register(CUDA0);
        gauges.close();
        gauges.close();
        assertThat(p0.closes).isEqualTo(1);
        assertThat(gauge(metrics, "cuda:0").orElseThrow()).isNaN();
        assertThat(gauges.register(CUDA1)).isFalse();
        assertThat(opened).containsExactly(0);
    }
}
