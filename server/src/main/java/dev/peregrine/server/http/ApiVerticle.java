package dev.peregrine.server.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.function.Function;

/**
 * The verticle that owns the listening socket. Its start completes when {@code listen} succeeded and fails with
 * the bind error otherwise (port taken, bad host), so a deployment either serves or reports why it cannot.
 */
final class ApiVerticle extends VerticleBase {
    private final HttpServerConfig config;
    private final Function<Vertx, Router> routes;
    private volatile int actualPort = -1;

    /**
     * @param config host and port
     * @param routes builds this verticle's router (called on its event loop at start)
     */
    ApiVerticle(HttpServerConfig config, Function<Vertx, Router> routes) {
        this.config = config;
        this.routes = routes;
    }

    @Override
    public Future<?> start() {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.host())
                .setPort(config.port())
                // Multipart form fields (not files) are small; keep Netty's in-memory form limits tight.
                .setMaxFormAttributeSize(8192);
        return vertx.createHttpServer(options)
                .requestHandler(routes.apply(vertx))
                .listen()
                .map(HttpServer::actualPort)
                .onSuccess(p -> actualPort = p);
    }

    /** The bound port, or -1 before a successful start. */
    int actualPort() {
        return actualPort;
    }
}
