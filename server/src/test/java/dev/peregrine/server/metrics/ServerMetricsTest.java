package dev.peregrine.server.metrics;

import dev.peregrine.server.batch.BatcherListener;
import dev.peregrine.server.batch.RejectReason;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ServerMetricsTest {

    @TempDir
    Path tmp;

    private ServerMetrics metrics(Path procStatus) {
        return new ServerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), procStatus);
    }

    @Test
    void scrapeHasRequestLatencyBatchQueueAndRejectionSeries() throws Exception {
        Path status = tmp.resolve("status");
        Files.writeString(status, "Name:\tjava\nVmPeak:\t 999 kB\nVmRSS:\t  2048 kB\nThreads:\t12\n");
        ServerMetrics m = metrics(status);
        AtomicLong items = new AtomicLong(3);
        m.registerQueueGauges("yolo", items::get, () -> 4096);
        BatcherListener l = m.batcherListener("yolo", 4);
        l.dequeued(3_000_000L);
        l.batchFinished(0, 3, 15_000_000L, true);
        l.batchFinished(1, 4, 5_000_000L, true);
        l.rejected(RejectReason.QUEUE_BYTES);
        l.expired(1);
        m.recordRequest("yolo", 200, 20_000_000L);
        m.recordRequest("yolo", 200, 30_000_000L);
        m.recordRequest("yolo", 503, 1_000_000L);

        String text = m.scrape();
        assertThat(text)
                .contains("peregrine_requests_total{model=\"yolo\",status=\"200\"} 2.0")
                .contains("peregrine_requests_total{model=\"yolo\",status=\"503\"} 1.0")
                .contains("peregrine_request_latency_seconds_count{model=\"yolo\"} 3")
                .contains("peregrine_request_latency_seconds_bucket{model=\"yolo\",le=\"0.01\"} 1")
                .contains("peregrine_request_latency_seconds_bucket{model=\"yolo\",le=\"0.02\"} 2")
                .contains("peregrine_request_latency_seconds_bucket{model=\"yolo\",le=\"0.05\"} 3")
                .contains("peregrine_queue_latency_seconds_count{model=\"yolo\"} 1")
                .contains("peregrine_inference_latency_seconds_count{model=\"yolo\"} 2")
                // one bucket per batch size: sizes 3 and 4 were recorded
                .contains("peregrine_batch_size_bucket{model=\"yolo\",le=\"2.0\"} 0")
                .contains("peregrine_batch_size_bucket{model=\"yolo\",le=\"3.0\"} 1")
                .contains("peregrine_batch_size_bucket{model=\"yolo\",le=\"4.0\"} 2")
                .contains("peregrine_engine_busy_seconds_total{instance=\"0\",model=\"yolo\"} 0.015")
                .contains("peregrine_queue_items{model=\"yolo\"} 3.0")
                .contains("peregrine_queue_bytes{model=\"yolo\"} 4096.0")
                .contains("peregrine_rejected_total{model=\"yolo\",reason=\"queue_bytes\"} 1.0")
                .contains("peregrine_dropped_total{model=\"yolo\",reason=\"expired\"} 1.0")
                .contains("process_resident_memory_bytes 2097152.0")
                .contains("jvm_memory_used_bytes")
                .doesNotContain("peregrine_gpu_memory_used_bytes");

        items.set(0);
        assertThat(m.scrape()).contains("peregrine_queue_items{model=\"yolo\"} 0.0");
    }

    /** A model's queue gauges add up its queues (detection and tensors), which the autoscalers read. */
    @Test
    void queueGaugesSumEveryQueueOfAModel() {
        ServerMetrics m = new ServerMetrics();
        m.registerQueueGauges("yolo", () -> 3, () -> 300);
        m.registerQueueGauges("yolo", () -> 2, () -> 4000);
        m.registerQueueGauges("other", () -> 1, () -> 10);
        assertThat(m.scrape()).contains("peregrine_queue_items{model=\"yolo\"} 5.0")
                .contains("peregrine_queue_bytes{model=\"yolo\"} 4300.0")
                .contains("peregrine_queue_items{model=\"other\"} 1.0");
    }

    @Test
    void nativeMemoryGaugesOfBodiesAndOutputs() {
        ServerMetrics m = new ServerMetrics();
        m.registerRequestBodyGauges(() -> 2, () -> 4096);
        m.registerTensorOutputGauges(() -> 1, () -> 75600);
        assertThat(m.scrape()).contains("peregrine_request_bodies 2.0")
                .contains("peregrine_request_bodies_memory_bytes 4096.0")
                .contains("peregrine_tensor_outputs 1.0")
                .contains("peregrine_tensor_outputs_memory_bytes 75600.0");
    }

    @Test
    void rssGaugeIsAbsentWithoutProcStatus() {
        ServerMetrics m = metrics(tmp.resolve("missing"));
        assertThat(m.scrape()).doesNotContain("process_resident_memory_bytes").contains("jvm_threads_live_threads");
    }

    @Test
    void gpuHookAddsAGaugePerDevice() {
        ServerMetrics m = metrics(tmp.resolve("missing"));
        m.registerGpuMemory("cuda:0", () -> 1.5e9);
        assertThat(m.scrape()).contains("peregrine_gpu_memory_used_bytes{device=\"cuda:0\"} 1.5E9");
    }

    @Test
    void procStatusParsing() throws Exception {
        Path status = tmp.resolve("s");
        Files.writeString(status, "VmRSS:\t 10 kB\n");
        assertThat(ProcStatus.residentBytes(status)).hasValue(10240);
        Files.writeString(status, "VmSize:\t 10 kB\n");
        assertThat(ProcStatus.residentBytes(status)).isEmpty();
        Files.writeString(status, "VmRSS:\t garbage kB\n");
        assertThat(ProcStatus.residentBytes(status)).isEmpty();
    }

    @Test
    void realProcessRssIsPositiveOnLinux() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(ProcStatus.SELF), "no /proc/self/status");
        assertThat(ProcStatus.residentBytes(ProcStatus.SELF).orElse(-1)).isPositive();
        assertThat(new ServerMetrics().scrape()).contains("process_resident_memory_bytes ");
    }
}
