package dev.peregrine.server.http;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.server.metrics.ServerMetrics;
import dev.peregrine.server.model.ModelRegistry;
import dev.peregrine.server.model.ServedModel;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Operations endpoints: {@code /health/live} (the process answers), {@code /health/ready} (every model loaded and
 * warmed up, not shutting down; what a load balancer or Kubernetes readiness probe asks) and {@code /metrics}
 * (Prometheus text format).
 */
final class OpsHandler {
    /** Prometheus text exposition format. */
    static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final ModelRegistry registry;
    private final Admission admission;
    private final ServerMetrics metrics;

    OpsHandler(ModelRegistry registry, Admission admission, ServerMetrics metrics) {
        this.registry = registry;
        this.admission = admission;
        this.metrics = metrics;
    }

    /** Always 200 while the event loop runs. */
    void live(RoutingContext ctx) {
        Responses.json(ctx.response(), 200, new JsonObject().put("status", "live"));
    }

    /** 200 with each model's state when ready; 503 (same body) while loading or shutting down. */
    void ready(RoutingContext ctx) {
        JsonObject states = new JsonObject();
        for (ServedModel m : registry.all()) {
            states.put(m.name(), m.state().name().toLowerCase(Locale.ROOT));
        }
        if (admission.draining()) {
            fail(ctx, ErrorCode.OVERLOADED, "server is shutting down", states);
        } else if (!registry.allReady()) {
            fail(ctx, ErrorCode.UNAVAILABLE, "not every model is loaded and warmed up", states);
        } else {
            Responses.json(ctx.response(), 200, new JsonObject().put("status", "ready").put("models", states));
        }
    }

    /** The Prometheus scrape. */
    void metrics(RoutingContext ctx) {
        Responses.send(ctx.response(), 200, PROMETHEUS_TYPE, Buffer.buffer(metrics.scrape()));
    }

    private static void fail(RoutingContext ctx, ErrorCode code, String message, JsonObject states) {
        ApiError e = ApiError.of(code, message);
        ctx.response().putHeader("Retry-After", Integer.toString(ApiError.RETRY_AFTER_SECONDS));
        Responses.json(ctx.response(), e.status(), e.toJson().put("models", states));
    }
}
