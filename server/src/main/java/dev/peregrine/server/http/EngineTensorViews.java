package dev.peregrine.server.http;

import dev.peregrine.engines.Detector;
import dev.peregrine.engines.Engines;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.server.batch.BatcherListener;
import dev.peregrine.server.metrics.ServerMetrics;
import dev.peregrine.server.model.DetectorOpener;
import dev.peregrine.server.model.ModelArtifact;
import dev.peregrine.server.model.ModelLoader;
import dev.peregrine.server.model.ModelSpec;
import dev.peregrine.server.model.ServedModel;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tensor views ({@link EngineTensorModel}) of the served models for the Open Inference Protocol. The detectors are
 * opened through {@link #opener(long)}, which keeps each engine reachable ({@link SharedEngineDetector}); the
 * loader from {@link #recording(ModelLoader)} builds a view over each model's first instance as it loads.
 */
public final class EngineTensorViews implements TensorModels {
    private final Map<String, EngineTensorModel> views = new ConcurrentHashMap<>();
    /** Where tensor batches are recorded; null until the server attaches its metrics (tests may not). */
    private volatile ServerMetrics metrics;

    /** An opener of YOLO detectors whose engines stay reachable for tensor requests. */
    public DetectorOpener opener(long maxPixels) {
        return config -> new SharedEngineDetector(Engines.open(config), maxPixels);
    }

    /** {@code loader}, remembering the first detector of each model; engine descriptions from the engines. */
    public ModelLoader recording(ModelLoader loader) {
        return new ModelLoader() {
            @Override
            public Detector load(ModelSpec spec) throws PeregrineException {
                Detector d = loader.load(spec);
                if (d instanceof SharedEngineDetector shared && !views.containsKey(spec.name())) {
                    // On the registry's loading thread: the view's shape probe runs the engine once.
                    try {
                        ServerMetrics m = metrics;
                        BatcherListener listener = m == null ? BatcherListener.NOOP
                                : m.batcherListener(spec.name(), spec.policy().maxBatch());
                        EngineTensorModel view = new EngineTensorModel(spec.name(), shared, spec.policy(), listener);
                        views.put(spec.name(), view);
                        if (m != null) { // the tensor queue counts in the model's queue gauges (autoscaling)
                            m.registerQueueGauges(spec.name(), () -> view.queueStats().items(),
                                    () -> view.queueStats().bytes());
                        }
                    } catch (PeregrineException | RuntimeException e) {
                        d.close();
                        throw e;
                    }
                }
                return d;
            }

            @Override
            public String engineDescription(ModelSpec spec, Detector detector) {
                return detector instanceof SharedEngineDetector shared ? shared.engineDescription()
                        : loader.engineDescription(spec, detector);
            }

            @Override
            public Optional<ModelArtifact> artifact(ModelSpec spec) {
                return loader.artifact(spec);
            }
        };
    }

    @Override
    public void attachMetrics(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public Optional<TensorModel> of(ServedModel model) {
        return Optional.ofNullable(views.get(model.name()));
    }

    @Override
    public void shutdown(Duration grace) {
        views.values().forEach(v -> v.beginShutdown(grace));
        views.values().forEach(v -> v.awaitTermination(grace.plusSeconds(5)));
    }
}
