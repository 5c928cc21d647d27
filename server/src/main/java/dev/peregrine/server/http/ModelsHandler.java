package dev.peregrine.server.http;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.server.model.ModelRegistry;
import dev.peregrine.server.model.ServedModel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /v1/models} and {@code GET /v1/models/{name}}: what is served, on what, with which batching. */
final class ModelsHandler {
    private final ModelRegistry registry;
    private final ModelLookup models;

    ModelsHandler(ModelRegistry registry, ModelLookup models) {
        this.registry = registry;
        this.models = models;
    }

    /** {@code {"models": [...]}} in registry order. */
    void list(RoutingContext ctx) {
        JsonArray all = new JsonArray();
        for (ServedModel m : registry.all()) {
            all.add(ModelJson.v1(m));
        }
        Responses.json(ctx.response(), 200, new JsonObject().put("models", all));
    }

    /** One model; 404 when unknown. */
    void get(RoutingContext ctx) {
        try {
            Responses.json(ctx.response(), 200, ModelJson.v1(models.find(ctx.pathParam("name"))));
        } catch (PeregrineException e) {
            ctx.fail(e);
        }
    }
}
