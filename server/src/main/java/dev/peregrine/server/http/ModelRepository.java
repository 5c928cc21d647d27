package dev.peregrine.server.http;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.server.model.ModelRegistry;
import dev.peregrine.server.model.ServedModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The Open Inference Protocol's model repository extension as far as Peregrine serves it: the index of the served
 * models with their states (what Triton's {@code RepositoryIndex} answers, and the protocol's only way to list
 * models), over REST and gRPC. Loading and unloading are refused with a message that says why: the models are fixed
 * when the server starts ({@code --model}), like Triton's default model control mode.
 */
final class ModelRepository {
    /** Why load and unload are refused. */
    static final String NO_MODEL_CONTROL = "explicit model control is not available: peregrine serve loads the "
            + "models given with --model when it starts; restart it with the new list to change them";

    private final ModelRegistry registry;

    ModelRepository(ModelRegistry registry) {
        this.registry = registry;
    }

    /**
     * One model in the index.
     *
     * @param name    model name
     * @param version always {@code 1}: Peregrine serves one version of each model
     * @param state   Triton's state names: {@code READY}, {@code LOADING}, {@code UNAVAILABLE} (failed to load),
     *                {@code UNLOADING} (the server is shutting down)
     * @param reason  why a model is not ready (its load failure), else empty
     */
    record Entry(String name, String version, String state, String reason) {
    }

    /** The served models by name, all of them or only the ready ones. */
    List<Entry> index(boolean readyOnly) {
        List<Entry> out = new ArrayList<>();
        for (ServedModel m : registry.all()) {
            ServedModel.State s = m.state();
            if (readyOnly && s != ServedModel.State.READY) {
                continue;
            }
            String state = switch (s) {
                case READY -> "READY";
                case LOADING -> "LOADING";
                case FAILED -> "UNAVAILABLE";
                case STOPPING -> "UNLOADING";
            };
            out.add(new Entry(m.name(), "1", state, m.failure().orElse("")));
        }
        out.sort(Comparator.comparing(Entry::name));
        return out;
    }

    /**
     * The refusal of a load or unload request.
     *
     * @return UNSUPPORTED (422 / FAILED_PRECONDITION) naming why
     */
    static PeregrineException modelControlRefused(String action, String model) {
        return PeregrineException.unsupported("cannot " + action + " model '" + ModelNames.abbreviate(model) + "': "
                + NO_MODEL_CONTROL);
    }
}
