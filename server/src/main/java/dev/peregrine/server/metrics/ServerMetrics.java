package dev.peregrine.server.metrics;

import dev.peregrine.server.batch.BatcherListener;
import dev.peregrine.server.batch.RejectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The server's metrics, exposed in Prometheus text format by {@link #scrape()}.
 *
 * <p>Series (Prometheus names):
 * <ul>
 *   <li>{@code peregrine_requests_total{model,status}}: answered requests by HTTP status;</li>
 *   <li>{@code peregrine_request_latency_seconds{model}}: total latency (histogram);</li>
 *   <li>{@code peregrine_queue_latency_seconds{model}}: time a request waited for its batch (histogram);</li>
 *   <li>{@code peregrine_inference_latency_seconds{model}}: time one batch spent in the runner (histogram);</li>
 *   <li>{@code peregrine_batch_size{model}}: batch sizes, one bucket per size 1..maxBatch;</li>
 *   <li>{@code peregrine_engine_busy_seconds_total{model,instance}}: engine time per instance (utilisation);</li>
 *   <li>{@code peregrine_queue_items{model}}, {@code peregrine_queue_bytes{model}}: queue gauges;</li>
 *   <li>{@code peregrine_rejected_total{model,reason}}: admission refusals;</li>
 *   <li>{@code peregrine_dropped_total{model,reason}}: accepted requests that never ran (expired, cancelled,
 *       shutdown);</li>
 *   <li>{@code peregrine_request_bodies}, {@code peregrine_tensor_outputs} (and {@code ..._memory_bytes}): pooled
 *       native memory of request bodies and inference outputs;</li>
 *   <li>{@code process_resident_memory_bytes}: RSS from {@code /proc/self/status} (absent off Linux);</li>
 *   <li>{@code peregrine_gpu_memory_used_bytes{device}}: per CUDA device serving a model ({@link GpuMemoryGauges});</li>
 *   <li>JVM memory, threads, CPU and uptime from Micrometer's binders.</li>
 * </ul>
 * The {@code model} label must be a served model's name (or {@code unknown}), never raw client input, so that
 * the number of series stays bounded. Thread-safe.
 */
public final class ServerMetrics {
    /** Latency buckets: wide enough for a Jetson at batch 16 and fine enough for a GPU at batch 1. */
    static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final PrometheusMeterRegistry registry;
    /**
     * The meters recorded on every request and batch, by name and tags. Registering through a builder looks the
     * meter up by a freshly built, sorted id each time; these are recorded on the request path (the batch's meters
     * before its futures complete), so they are looked up once and kept. Meters are never removed from the registry.
     */
    private final Map<String, Meter> hotMeters = new ConcurrentHashMap<>();
    /** The queues behind each model's queue gauges. */
    private final Map<String, List<QueueSource>> queues = new ConcurrentHashMap<>();

    /** A fresh Prometheus registry with JVM and process meters. */
    public ServerMetrics() {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), ProcStatus.SELF);
    }

    /** Records into {@code registry} (e.g. one shared with Vert.x's own metrics), adding JVM and process meters. */
    public ServerMetrics(PrometheusMeterRegistry registry) {
        this(registry, ProcStatus.SELF);
    }

    ServerMetrics(PrometheusMeterRegistry registry, Path procStatus) {
        this.registry = Objects.requireNonNull(registry, "registry");
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        // Registered only where readable, so that a scrape off Linux has no always-NaN series.
        if (ProcStatus.residentBytes(procStatus).isPresent()) {
            Gauge.builder("process.resident.memory", () -> ProcStatus.residentBytes(procStatus).orElse(-1))
                    .description("Resident set size of the process (VmRSS), including native memory")
                    .baseUnit("bytes")
                    .register(registry);
        }
    }

    /** The underlying registry, for other binders. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** All series in the Prometheus text exposition format. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * Counts one answered request and records its total latency.
     *
     * @param model      served model name, or {@code unknown}
     * @param httpStatus status code sent
     * @param totalNanos time from receiving the request to sending the answer
     */
    public void recordRequest(String model, int httpStatus, long totalNanos) {
        this.<Counter>hot("peregrine.requests|" + model + "|" + httpStatus, () -> Counter.builder("peregrine.requests")
                .description("Answered requests by model and HTTP status")
                .tags("model", model, "status", Integer.toString(httpStatus))
                .register(registry))
                .increment();
        latencyTimer("peregrine.request.latency", "Total request latency", model).record(totalNanos,
                TimeUnit.NANOSECONDS);
    }

    /** Counts an admission refusal of {@code model} for {@code reason}. */
    public void recordRejected(String model, RejectReason reason) {
        Counter.builder("peregrine.rejected")
                .description("Requests refused at admission")
                .tags("model", model, "reason", reason.label())
                .register(registry)
                .increment();
    }

    /** Records how long one request waited in {@code model}'s queue before its batch formed. */
    public void recordQueueTime(String model, long nanos) {
        latencyTimer("peregrine.queue.latency", "Time a request waited for its batch", model).record(nanos,
                TimeUnit.NANOSECONDS);
    }

    /**
     * Records one batch run.
     *
     * @param model    served model name
     * @param maxBatch the model's largest batch (decides the histogram's buckets on first use)
     * @param instance engine instance index
     * @param size     batch size
     * @param runNanos time in the runner (engine, decode and NMS)
     */
    public void recordBatch(String model, int maxBatch, int instance, int size, long runNanos) {
        batchSizes(model, maxBatch).record(size);
        latencyTimer("peregrine.inference.latency", "Time one batch spent in the engine and decoder", model)
                .record(runNanos, TimeUnit.NANOSECONDS);
        this.<Counter>hot("peregrine.engine.busy|" + model + "|" + instance, () -> Counter.builder(
                        "peregrine.engine.busy")
                .description("Time each engine instance spent running batches")
                .baseUnit("seconds")
                .tags("model", model, "instance", Integer.toString(instance))
                .register(registry))
                .increment(runNanos / 1e9);
    }

    /** Counts an accepted request that never ran: {@code expired}, {@code cancelled} or {@code shutdown}. */
    public void recordDropped(String model, String reason) {
        Counter.builder("peregrine.dropped")
                .description("Accepted requests that left the queue without running")
                .tags("model", model, "reason", reason)
                .register(registry)
                .increment();
    }

    /**
     * Adds a queue of {@code model} to its queue gauges ({@code peregrine_queue_items}, {@code peregrine_queue_bytes}),
     * which report the sum of every queue added for the model, read from the suppliers at each scrape: a model has
     * its detection queue and, for the Open Inference Protocol, its tensor queue, and the autoscalers that read
     * these gauges must see both. Micrometer keeps the first registration of a name and tags, so a second registry
     * reusing these metrics for the same model name keeps reporting the first one's queues: use one
     * {@code ServerMetrics} per registry.
     */
    public void registerQueueGauges(String model, LongSupplier queuedItems, LongSupplier queuedBytes) {
        queues.computeIfAbsent(model, m -> {
            List<QueueSource> sources = new CopyOnWriteArrayList<>();
            Gauge.builder("peregrine.queue.items", () -> sources.stream().mapToLong(q -> q.items().getAsLong()).sum())
                    .description("Requests waiting for a batch")
                    .tags("model", m)
                    .register(registry);
            Gauge.builder("peregrine.queue", () -> sources.stream().mapToLong(q -> q.bytes().getAsLong()).sum())
                    .description("Bytes held by requests waiting for a batch")
                    .baseUnit("bytes")
                    .tags("model", m)
                    .register(registry);
            return sources;
        }).add(new QueueSource(queuedItems, queuedBytes));
    }

    /** One queue behind a model's queue gauges. */
    private record QueueSource(LongSupplier items, LongSupplier bytes) {
    }

    /**
     * Registers the gauges of the pooled native memory that holds request bodies (images, tensor requests) while
     * they are read and used ({@code peregrine_request_bodies} and {@code peregrine_request_bodies_memory_bytes});
     * registering again keeps the first.
     */
    public void registerRequestBodyGauges(LongSupplier bodies, LongSupplier bytes) {
        registerNativeMemoryGauges("peregrine.request.bodies", "request bodies (images, tensor requests)", bodies,
                bytes);
    }

    /**
     * Registers the gauges of the pooled native memory that holds the Open Inference Protocol's output tensors from
     * the batch until their answer is written ({@code peregrine_tensor_outputs} and
     * {@code peregrine_tensor_outputs_memory_bytes}); registering again keeps the first.
     */
    public void registerTensorOutputGauges(LongSupplier outputs, LongSupplier bytes) {
        registerNativeMemoryGauges("peregrine.tensor.outputs", "inference output tensors", outputs, bytes);
    }

    /** A count gauge {@code name} and a bytes gauge {@code name.memory} of buffers in pooled native memory. */
    private void registerNativeMemoryGauges(String name, String what, LongSupplier count, LongSupplier bytes) {
        Gauge.builder(name, () -> count.getAsLong())
                .description("Buffers of " + what + " held in pooled native memory")
                .register(registry);
        Gauge.builder(name + ".memory", () -> bytes.getAsLong())
                .description("Pooled native memory held by " + what)
                .baseUnit("bytes")
                .register(registry);
    }

    /**
     * Registers a GPU memory probe for {@code device} (e.g. {@code cuda:0}); the supplier returns used bytes, or NaN
     * when unknown. {@link GpuMemoryGauges} calls it once per CUDA device that serves a model and never for the CPU,
     * so that no GPU series appears on CPU-only hosts.
     */
    public void registerGpuMemory(String device, DoubleSupplier usedBytes) {
        Gauge.builder("peregrine.gpu.memory.used", () -> usedBytes.getAsDouble())
                .description("GPU memory in use")
                .baseUnit("bytes")
                .tags("device", device)
                .register(registry);
    }

    /** A {@link BatcherListener} that records {@code model}'s batcher events here. */
    public BatcherListener batcherListener(String model, int maxBatch) {
        return new BatcherListener() {
            @Override
            public void rejected(RejectReason reason) {
                recordRejected(model, reason);
            }

            @Override
            public void dequeued(long queuedNanos) {
                recordQueueTime(model, queuedNanos);
            }

            @Override
            public void expired(long queuedNanos) {
                recordDropped(model, "expired");
            }

            @Override
            public void cancelled(long queuedNanos) {
                recordDropped(model, "cancelled");
            }

            @Override
            public void abandoned(long queuedNanos) {
                recordDropped(model, "shutdown");
            }

            @Override
            public void batchFinished(int instance, int size, long runNanos, boolean succeeded) {
                recordBatch(model, maxBatch, instance, size, runNanos);
            }
        };
    }

    private Timer latencyTimer(String name, String description, String model) {
        return hot(name + "|" + model, () -> Timer.builder(name)
                .description(description)
                .tags("model", model)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry));
    }

    @SuppressWarnings("unchecked") // each key names one meter type, created by the supplier given with it
    private <M extends Meter> M hot(String key, Supplier<M> register) {
        Meter m = hotMeters.get(key);
        return m != null ? (M) m : (M) hotMeters.computeIfAbsent(key, k -> register.get());
    }

    private DistributionSummary batchSizes(String model, int maxBatch) {
        return hot("peregrine.batch.size|" + model, () -> registerBatchSizes(model, maxBatch));
    }

    private DistributionSummary registerBatchSizes(String model, int maxBatch) {
        double[] buckets = new double[Math.max(1, maxBatch)];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = i + 1;
        }
        return DistributionSummary.builder("peregrine.batch.size")
                .description("Batch sizes sent to the engine")
                .tags("model", model)
                .serviceLevelObjectives(buckets)
                .register(registry);
    }
}
