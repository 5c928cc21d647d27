package dev.peregrine.server.model;

import dev.peregrine.engines.Device;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.trt.GpuMemoryProbe;
import dev.peregrine.server.batch.BatchPolicy;
import dev.peregrine.server.metrics.FakeGpuProbe;
import dev.peregrine.server.metrics.ServerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** The registry's GPU memory gauges, with fake probes and detectors: no GPU involved. */
class ModelRegistryGpuMemoryTest {
    private static final Device CUDA0 = new Device(Device.Kind.CUDA, 0);
    private static final Device CUDA1 = new Device(Device.Kind.CUDA, 1);

    private final ServerMetrics metrics = new ServerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    /** "index@thread" for every probe opened. */
    private final List<String> probesOpened = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();

    private static ModelSpec spec(String name, Device device) {
        return new ModelSpec(name, Path.of(name + ".engine"), device, BatchPolicy.defaults(2), 1);
    }

    private IntFunction<GpuMemoryProbe> probes(Map<Integer, FakeGpuProbe> byIndex) {
        return index -> {
            probesOpened.add(index + "@" + Thread.currentThread().getName());
            return byIndex.get(index);
        };
    }

    private ModelRegistry loadAndWait(List<ModelSpec> specs, ModelLoader loader, IntFunction<GpuMemoryProbe> probes)
            throws Exception {
        ModelRegistry r = ModelRegistry.load(specs, loader, metrics, probes);
        r.loaded().get(10, TimeUnit.SECONDS);
        return r;
    }

    private List<String> gpuLines() {
        List<String> lines = new ArrayList<>();
        metrics.scrape().lines().filter(l -> l.startsWith("peregrine_gpu_memory_used_bytes")).forEach(lines::add);
        return lines;
    }

    @Test
    void everyCudaDeviceWithAModelGetsOneGaugeFedByItsProbe() throws Exception {
        FakeGpuProbe p0 = new FakeGpuProbe(1_500_000_000L, 6_000_000_000L, 24_000_000_000L);
        FakeGpuProbe p1 = new FakeGpuProbe(-1, 3_000_000_000L, 24_000_000_000L);
        List<ModelSpec> specs = List.of(spec("a", CUDA0), spec("b", CUDA0), spec("c", CUDA1), spec("d", Device.CPU));
        try (ModelRegistry r = loadAndWait(specs, s -> new FakeDetector(2, events), probes(Map.of(0, p0, 1, p1)))) {
            assertThat(r.allReady()).isTrue();
            // One probe per device, opened on the loader thread (load() itself returns at once).
            assertThat(probesOpened).containsExactly("0@model-loader", "1@model-loader");
            assertThat(gpuLines()).containsExactlyInAnyOrder(
                    "peregrine_gpu_memory_used_bytes{device=\"cuda:0\"} 1.5E9",   // this process, per NVML
                    "peregrine_gpu_memory_used_bytes{device=\"cuda:1\"} 3.0E9");  // no NVML: the whole device
            p0.process = 2_000_000_000L;
            assertThat(gpuLines()).contains("peregrine_gpu_memory_used_bytes{device=\"cuda:0\"} 2.0E9");
            r.close(Duration.ZERO);
            assertThat(p0.closes).isEqualTo(1);
            assertThat(p1.closes).isEqualTo(1);
        }
    }

    @Test
    void cpuOnlyModelsRegisterNoGpuSeriesAndOpenNoProbe() throws Exception {
        List<ModelSpec> specs = List.of(spec("a", Device.CPU), spec("b", Device.CPU));
        try (ModelRegistry r = loadAndWait(specs, s -> new FakeDetector(2, events), probes(Map.of()))) {
            assertThat(r.allReady()).isTrue();
            assertThat(probesOpened).isEmpty();
            assertThat(metrics.scrape()).doesNotContain("peregrine_gpu");
        }
    }

    @Test
    void withoutMetricsNoProbeIsOpened() throws Exception {
        ModelRegistry r = ModelRegistry.load(List.of(spec("a", CUDA0)), s -> new FakeDetector(2, events), null,
                probes(Map.of(0, new FakeGpuProbe(1, 1, 1))));
        try (r) {
            r.loaded().get(10, TimeUnit.SECONDS);
            assertThat(probesOpened).isEmpty();
        }
    }

    /** The gauge is there before the load, so a load that fails (no TensorRT, out of memory) still shows memory. */
    @Test
    void failedCudaModelKeepsItsMessageAndTheGauge() throws Exception {
        FakeGpuProbe p0 = new FakeGpuProbe(-1, 4_000_000_000L, 8_000_000_000L);
        String unavailable = "TensorRT is not available: no usable CUDA device (cudaErrorNoDevice). "
                + "Run the .onnx model on the CPU instead (--device cpu).";
        ModelLoader loader = s -> {
            throw new PeregrineException(ErrorCode.UNAVAILABLE, unavailable);
        };
        try (ModelRegistry r = loadAndWait(List.of(spec("trt", CUDA0)), loader, probes(Map.of(0, p0)))) {
            ServedModel m = r.get("trt").orElseThrow();
            assertThat(m.state()).isEqualTo(ServedModel.State.FAILED);
            assertThat(m.failure()).hasValue(unavailable);
            assertThat(gpuLines()).containsExactly("peregrine_gpu_memory_used_bytes{device=\"cuda:0\"} 4.0E9");
        }
    }
}
