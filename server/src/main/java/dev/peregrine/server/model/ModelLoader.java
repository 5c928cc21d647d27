package dev.peregrine.server.model;

import dev.peregrine.engines.Detector;
import dev.peregrine.engines.PeregrineException;

import java.util.Optional;

/**
 * Opens one engine instance of a model. {@link ModelRegistry} calls {@link #load} once per instance, on its
 * loading thread; the registry owns and closes every detector returned.
 */
@FunctionalInterface
public interface ModelLoader {

    /**
     * Opens one instance of {@code spec}'s model.
     *
     * @throws PeregrineException NOT_FOUND, UNSUPPORTED, UNAVAILABLE, BAD_INPUT with a message naming the file
     */
    Detector load(ModelSpec spec) throws PeregrineException;

    /** How the model runs, for {@code /models} and logs (e.g. {@code onnxruntime-cpu}). */
    default String engineDescription(ModelSpec spec, Detector detector) {
        return detector.getClass().getSimpleName() + " on " + spec.device();
    }

    /**
     * The file {@code spec}'s latest {@link #load} opened and how it was derived from {@code spec.path()}, for
     * {@code /v1/models}; empty when this loader does not say (wrappers pass their delegate's on).
     */
    default Optional<ModelArtifact> artifact(ModelSpec spec) {
        return Optional.empty();
    }
}
