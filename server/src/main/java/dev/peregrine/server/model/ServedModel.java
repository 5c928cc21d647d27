package dev.peregrine.server.model;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.Detector;
import dev.peregrine.engines.Device;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PreparedImage;
import dev.peregrine.server.batch.AdmissionRejectedException;
import dev.peregrine.server.batch.BatchPolicy;
import dev.peregrine.server.batch.BatcherListener;
import dev.peregrine.server.batch.Deadline;
import dev.peregrine.server.batch.DynamicBatcher;
import dev.peregrine.server.batch.QueueStats;
import dev.peregrine.server.batch.RejectReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A model in the registry: its state, metadata and, once READY, its engine instances and batcher.
 *
 * <p>State moves LOADING -> READY or FAILED, and READY -> STOPPING when the registry closes. Fields set on READY
 * are written before the volatile {@code state} write that publishes them, so a reader that sees READY sees them.
 */
public final class ServedModel {
    private static final Logger log = LoggerFactory.getLogger(ServedModel.class);

    /** Life cycle of a served model. */
    public enum State {
        /** The loader is opening, exporting or warming up the model. */
        LOADING,
        /** Warmed up and accepting requests. */
        READY,
        /** Loading failed; {@link #failure()} says why. */
        FAILED,
        /** The registry is closing: no new requests, queued ones drain. */
        STOPPING
    }

    private final ModelSpec spec;
    private final BatcherListener listener;
    private volatile State state = State.LOADING;
    private volatile String failure;
    private volatile ModelInfo info;
    private volatile String engineDescription;
    private volatile ModelArtifact artifact;
    private volatile BatchPolicy policy;
    private volatile List<Detector> detectors = List.of();
    private volatile DynamicBatcher<DetectItem, List<Detection>> batcher;

    ServedModel(ModelSpec spec, BatcherListener listener) {
        this.spec = spec;
        this.listener = listener;
        this.policy = spec.policy();
    }

    /** Model name. */
    public String name() {
        return spec.name();
    }

    /** What was asked for. */
    public ModelSpec spec() {
        return spec;
    }

    /** Model metadata; null until the first instance has loaded. */
    public ModelInfo info() {
        return info;
    }

    /** How the model runs (e.g. {@code onnxruntime-cpu}); null until READY. */
    public String engineDescription() {
        return engineDescription;
    }

    /**
     * The file the model runs from and how it was derived from the configured one; empty until READY, or when the
     * loader does not say.
     */
    public Optional<ModelArtifact> artifact() {
        return Optional.ofNullable(artifact);
    }

    /** Where the model runs. */
    public Device device() {
        return spec.device();
    }

    /**
     * The policy in force: the spec's, with {@code maxBatch} lowered to what the engine accepts once loaded.
     */
    public BatchPolicy policy() {
        return policy;
    }

    /** Current state. */
    public State state() {
        return state;
    }

    /** Why loading failed, when FAILED. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** Number of engine instances. */
    public int instances() {
        return spec.instances();
    }

    /**
     * The first engine instance, for {@link Detector#prepare} (thread-safe). Never call {@code detect} on it:
     * inference goes through {@link #submit}.
     *
     * @throws IllegalStateException when the model is not READY (or STOPPING)
     */
    public Detector detector() {
        List<Detector> d = detectors;
        if (d.isEmpty()) {
            throw new IllegalStateException("model '" + name() + "' is " + state);
        }
        return d.get(0);
    }

    /** Queue snapshot; empty unless READY. */
    public QueueStats stats() {
        DynamicBatcher<DetectItem, List<Detection>> b = batcher;
        return b == null ? new QueueStats(0, 0) : b.stats();
    }

    /**
     * Queues one prepared image for detection.
     *
     * <p>Ownership: if the returned future is already failed with {@link AdmissionRejectedException} (model not
     * ready: UNAVAILABLE; queue full or stopping: OVERLOADED; image larger than the whole budget: TOO_LARGE;
     * deadline already passed: DEADLINE_EXCEEDED), the caller still owns {@code image} and must close it.
     * Otherwise the batcher owns it and closes it exactly once after its batch ran, or on expiry, cancellation
     * or shutdown.
     *
     * @param image    prepared by {@link #detector()}
     * @param options  post-processing options; null for the defaults
     * @param deadline when the answer stops being useful; null for the policy's default timeout
     */
    public CompletableFuture<List<Detection>> submit(PreparedImage image, DetectOptions options, Deadline deadline) {
        Objects.requireNonNull(image, "image");
        State s = state;
        DynamicBatcher<DetectItem, List<Detection>> b = batcher;
        if (s != State.READY || b == null) {
            RejectReason reason = s == State.STOPPING ? RejectReason.SHUTTING_DOWN : RejectReason.NOT_READY;
            listener.rejected(reason);
            String why = switch (s) {
                case LOADING -> "model '" + name() + "' is still loading";
                case FAILED -> "model '" + name() + "' failed to load: " + failure;
                default -> "model '" + name() + "' is shutting down";
            };
            return CompletableFuture.failedFuture(new AdmissionRejectedException(reason, why));
        }
        DetectOptions opts = options == null ? DetectOptions.defaults() : options;
        return b.submit(new DetectItem(image, opts), image.bytes(), deadline);
    }

    // ---- life cycle, driven by ModelRegistry --------------------------------------------------------------------

    BatcherListener listener() {
        return listener;
    }

    void loadedInfo(ModelInfo modelInfo) {
        this.info = modelInfo;
    }

    void markReady(List<Detector> loaded, BatchPolicy effective, String description, ModelArtifact ran,
                   DynamicBatcher<DetectItem, List<Detection>> b) {
        this.detectors = List.copyOf(loaded);
        this.policy = effective;
        this.engineDescription = description;
        this.artifact = ran;
        this.batcher = b;
        this.state = State.READY; // publishes the fields above
    }

    void markFailed(String message) {
        this.failure = message;
        this.state = State.FAILED;
    }

    /** Stops admission and starts draining; returns false when there was nothing running. */
    boolean beginStop(Duration grace) {
        if (state != State.READY) {
            return false;
        }
        state = State.STOPPING;
        batcher.beginShutdown(grace);
        return true;
    }

    /** Waits for the batcher's threads; closes the detectors only when no batch can still be using them. */
    void finishStop(Duration wait) {
        DynamicBatcher<DetectItem, List<Detection>> b = batcher;
        if (b == null) {
            return;
        }
        if (!b.awaitTermination(wait)) {
            log.error("model '{}': a batch is still running after {}; leaving its engine open", name(), wait);
            return;
        }
        closeAll(detectors);
    }

    static void closeAll(List<Detector> list) {
        for (int i = list.size() - 1; i >= 0; i--) {
            try {
                list.get(i).close();
            } catch (RuntimeException e) {
                log.warn("closing a detector failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return "ServedModel[" + name() + ", " + state + "]";
    }
}
