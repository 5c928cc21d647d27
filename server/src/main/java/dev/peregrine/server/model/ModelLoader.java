package dev.peregrine.server.model;

import dev.peregrine.engines.Detector;
import dev.peregrine.engines.PeregrineException;

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
}
