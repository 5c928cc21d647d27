package dev.peregrine.server.http;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.server.model.ModelRegistry;
import dev.peregrine.server.model.ServedModel;
import java.util.stream.Collectors;

/** Finds the model a URL names: 400 for a malformed name, 404 for an unknown one, 503 when it cannot serve yet. */
final class ModelLookup {
    private final ModelRegistry registry;

    ModelLookup(ModelRegistry registry) {
        this.registry = registry;
    }

    /** The model called {@code name}, in whatever state. */
    ServedModel find(String name) throws PeregrineException {
        ModelNames.require(name);
        return registry.get(name).orElseThrow(() -> PeregrineException.notFound("unknown model '" + name
                + "' (served: " + registry.all().stream().map(ServedModel::name).collect(Collectors.joining(", "))
                + ")"));
    }

    /** The model called {@code name}, which must be ready to run requests. */
    ServedModel ready(String name) throws PeregrineException {
        ServedModel m = find(name);
        switch (m.state()) {
            case READY:
                return m;
            case LOADING:
                throw new PeregrineException(ErrorCode.UNAVAILABLE, "model '" + name + "' is still loading");
            case STOPPING:
                throw new PeregrineException(ErrorCode.OVERLOADED, "model '" + name + "' is shutting down");
            default:
                throw new PeregrineException(ErrorCode.UNAVAILABLE, "model '" + name + "' failed to load");
        }
    }
}
