package dev.peregrine.server.model;

import dev.peregrine.engines.Detection;
import dev.peregrine.engines.Detector;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.trt.GpuMemoryProbe;
import dev.peregrine.server.batch.BatchPolicy;
import dev.peregrine.server.batch.BatcherListener;
import dev.peregrine.server.batch.DynamicBatcher;
import dev.peregrine.server.metrics.GpuMemoryGauges;
import dev.peregrine.server.metrics.ServerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * The served models by name. {@link #load} returns at once with every model LOADING and loads them one after
 * another on a background thread (one model at a time keeps peak memory and GPU contention low), logging
 * progress; each becomes READY after a warm-up batch, or FAILED with a message. {@link #close} stops everything
 * in the order: stop admission on every model, drain the batchers, join their threads, close the detectors.
 */
public final class ModelRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);

    /** Grace used by {@link #close()}. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

    private final Map<String, ServedModel> models;
    private final ModelLoader loader;
    /** GPU memory gauges of the CUDA devices models load on; null without metrics. Closed by {@link #close}. */
    private final GpuMemoryGauges gpuGauges;
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();
    private final Thread loaderThread;
    /** Guards {@code closed} against the loader publishing a model READY while close() runs. */
    private final Object lifecycle = new Object();
    private boolean closed;

    private ModelRegistry(Map<String, ServedModel> models, ModelLoader loader, GpuMemoryGauges gpuGauges) {
        this.models = Collections.unmodifiableMap(models);
        this.loader = loader;
        this.gpuGauges = gpuGauges;
        this.loaderThread = new Thread(this::loadAll, "model-loader");
        loaderThread.setDaemon(true);
    }

    /**
     * Starts loading {@code specs} in the background and returns the registry with every model LOADING. With
     * metrics, every CUDA device a model loads on gets a GPU memory gauge fed by {@link GpuMemoryProbe#open(int)}
     * (see {@link GpuMemoryGauges}); CPU models add none.
     *
     * @param metrics where to record per-model metrics; null for none
     * @throws PeregrineException BAD_INPUT when {@code specs} is empty or names a model twice
     */
    public static ModelRegistry load(List<ModelSpec> specs, ModelLoader loader, ServerMetrics metrics)
            throws PeregrineException {
        return load(specs, loader, metrics, GpuMemoryProbe::open);
    }

    /**
     * {@link #load(List, ModelLoader, ServerMetrics)} with the GPU memory probes made by {@code gpuProbes} (given a
     * CUDA device index; must not throw), so tests can inject a fake. Unused without metrics.
     */
    public static ModelRegistry load(List<ModelSpec> specs, ModelLoader loader, ServerMetrics metrics,
                                     IntFunction<GpuMemoryProbe> gpuProbes) throws PeregrineException {
        if (specs == null || specs.isEmpty()) {
            throw PeregrineException.badInput("no models to serve");
        }
        Map<String, ServedModel> byName = new LinkedHashMap<>();
        for (ModelSpec spec : specs) {
            BatcherListener listener = metrics == null ? BatcherListener.NOOP
                    : metrics.batcherListener(spec.name(), spec.policy().maxBatch());
            if (byName.putIfAbsent(spec.name(), new ServedModel(spec, listener)) != null) {
                throw PeregrineException.badInput("model name '" + spec.name() + "' is used twice");
            }
        }
        GpuMemoryGauges gauges = metrics == null ? null : new GpuMemoryGauges(metrics, gpuProbes);
        ModelRegistry registry = new ModelRegistry(byName, loader, gauges);
        if (metrics != null) {
            for (ServedModel m : byName.values()) {
                metrics.registerQueueGauges(m.name(), () -> m.stats().items(), () -> m.stats().bytes());
            }
        }
        registry.loaderThread.start();
        return registry;
    }

    /** {@link #load(List, ModelLoader, ServerMetrics)} without metrics. */
    public static ModelRegistry load(List<ModelSpec> specs, ModelLoader loader) throws PeregrineException {
        return load(specs, loader, null);
    }

    /** Completes when every model is READY or FAILED (never fails; check each model's state). */
    public CompletableFuture<Void> loaded() {
        return loaded;
    }

    /** The model called {@code name}, in any state. */
    public Optional<ServedModel> get(String name) {
        return Optional.ofNullable(models.get(name));
    }

    /** Every model, in spec order. */
    public Collection<ServedModel> all() {
        return models.values();
    }

    /** True when every model is READY (readiness probe). */
    public boolean allReady() {
        return models.values().stream().allMatch(m -> m.state() == ServedModel.State.READY);
    }

    // ---- loading ------------------------------------------------------------------------------------------------

    private void loadAll() {
        int i = 0;
        try {
            for (ServedModel model : models.values()) {
                i++;
                if (isClosed()) {
                    model.markFailed("server shut down before the model loaded");
                    continue;
                }
                log.info("loading model {}/{} '{}' from {} on {} ({} instance{})", i, models.size(), model.name(),
                        model.spec().path(), model.device(), model.instances(), model.instances() == 1 ? "" : "s");
                if (gpuGauges != null) {
                    // Before the load, so that the gauge also shows the memory of a load that fails (out of memory).
                    // The probe opens CUDA here, on the loader thread, never on the caller's.
                    gpuGauges.register(model.device());
                }
                loadOne(model);
            }
        } finally {
            loaded.complete(null);
        }
    }

    private void loadOne(ServedModel model) {
        ModelSpec spec = model.spec();
        long start = System.nanoTime();
        List<Detector> detectors = new ArrayList<>();
        try {
            for (int k = 0; k < spec.instances(); k++) {
                Detector d = loader.load(spec);
                if (d == null) {
                    throw new IllegalStateException("the model loader returned no detector");
                }
                detectors.add(d);
                if (k == 0) {
                    model.loadedInfo(d.info());
                }
                if (isClosed()) {
                    throw new PeregrineException(dev.peregrine.engines.ErrorCode.OVERLOADED,
                            "server shut down while the model loaded");
                }
            }
            BatchPolicy policy = effectivePolicy(spec, detectors.get(0));
            for (int k = 0; k < detectors.size(); k++) {
                log.info("model '{}': warming up instance {} with a batch of {}", spec.name(), k, policy.maxBatch());
                try {
                    WarmUp.run(detectors.get(k), policy.maxBatch());
                } catch (PeregrineException e) {
                    throw new PeregrineException(e.code(), "warm-up failed: " + e.getMessage(), e);
                }
            }
            String description = loader.engineDescription(spec, detectors.get(0));
            ModelArtifact artifact = loader.artifact(spec).orElse(null);
            synchronized (lifecycle) {
                if (closed) {
                    throw new PeregrineException(dev.peregrine.engines.ErrorCode.OVERLOADED,
                            "server shut down while the model loaded");
                }
                DynamicBatcher<DetectItem, List<Detection>> batcher = DynamicBatcher
                        .<DetectItem, List<Detection>>builder(spec.name(), policy)
                        .runners(detectors.stream().map(DetectorRunner::new).toList())
                        .releaser(DetectItem::release)
                        .listener(model.listener())
                        .build();
                model.markReady(detectors, policy, description, artifact, batcher);
            }
            log.info("model '{}' ready in {} ms ({}, max batch {}{})", spec.name(),
                    (System.nanoTime() - start) / 1_000_000, description, policy.maxBatch(),
                    artifact != null && artifact.derived() ? "; runs " + artifact.describe() : "");
        } catch (PeregrineException e) {
            fail(model, detectors, e.getMessage(), null);
        } catch (RuntimeException | LinkageError e) {
            fail(model, detectors, "internal error: " + e, e);
        }
    }

    private static void fail(ServedModel model, List<Detector> detectors, String message, Throwable bug) {
        ServedModel.closeAll(detectors);
        model.markFailed(message);
        if (bug != null) {
            log.error("model '{}' failed to load: {}", model.name(), message, bug);
        } else {
            log.error("model '{}' failed to load: {}", model.name(), message);
        }
    }

    /** The spec's policy with maxBatch lowered to the engine's limit (a fixed-batch export, a capped profile). */
    private static BatchPolicy effectivePolicy(ModelSpec spec, Detector detector) {
        BatchPolicy p = spec.policy();
        int engineMax = detector.maxBatch();
        if (engineMax >= 1 && engineMax < p.maxBatch()) {
            log.warn("model '{}': engine accepts batches up to {}, lowering max batch from {}", spec.name(),
                    engineMax, p.maxBatch());
            return p.withMaxBatch(engineMax);
        }
        return p;
    }

    private boolean isClosed() {
        synchronized (lifecycle) {
            return closed;
        }
    }

    // ---- shutdown -----------------------------------------------------------------------------------------------

    /** {@link #close(Duration)} with {@link #DEFAULT_GRACE}. */
    @Override
    public void close() {
        close(DEFAULT_GRACE);
    }

    /**
     * Stops every model: admission first (all models), then draining within {@code grace}, joining the inference
     * threads, and closing the detectors. A model still loading is closed by the loader when its load ends.
     * Idempotent.
     */
    public void close(Duration grace) {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // Interrupt so that an export or download in progress can stop early; native loads ignore it.
        loaderThread.interrupt();
        List<ServedModel> stopping = new ArrayList<>();
        for (ServedModel m : models.values()) {
            if (m.beginStop(grace)) {
                stopping.add(m);
            }
        }
        Duration wait = grace.plus(Duration.ofSeconds(10));
        for (ServedModel m : stopping) {
            m.finishStop(wait);
        }
        try {
            loaderThread.join(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (gpuGauges != null) {
            gpuGauges.close();
        }
        log.info("stopped {} model{}", stopping.size(), stopping.size() == 1 ? "" : "s");
    }
}
