package dev.peregrine.server.http;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.server.metrics.ServerMetrics;
import dev.peregrine.server.model.ModelLoader;
import dev.peregrine.server.model.ModelRegistry;
import dev.peregrine.server.model.ModelSpec;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole running server: metrics, the model registry (loading in the background), Vert.x and the HTTP front.
 * {@link #start} returns once the socket listens; {@link #shutdown} drains and releases everything, in the order
 * stop admitting, drain the batchers, close the engines, close the listener, close Vert.x.
 */
public final class ServerRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerRuntime.class);

    private final Vertx vertx;
    private final ModelRegistry registry;
    private final ServerMetrics metrics;
    private final PeregrineHttpServer server;
    private final Duration grace;
    private final int port;
    private boolean shutDown;

    private ServerRuntime(Vertx vertx, ModelRegistry registry, ServerMetrics metrics, PeregrineHttpServer server,
            Duration grace, int port) {
        this.vertx = vertx;
        this.registry = registry;
        this.metrics = metrics;
        this.server = server;
        this.grace = grace;
        this.port = port;
    }

    /**
     * Starts loading {@code specs} with {@code loader} and listens.
     *
     * @param tensors tensor views of the models for the Open Inference Protocol's infer route
     * @throws PeregrineException BAD_INPUT for invalid specs, UNAVAILABLE when the address cannot be bound
     */
    public static ServerRuntime start(HttpServerConfig config, List<ModelSpec> specs, ModelLoader loader,
            TensorModels tensors) throws PeregrineException {
        ServerMetrics metrics = new ServerMetrics();
        tensors.attachMetrics(metrics);
        ModelRegistry registry = ModelRegistry.load(specs, TimedDetector.wrap(loader), metrics);
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        log.info("network transport: {}", vertx.isNativeTransportEnabled() ? "native (epoll)"
                : "NIO (" + vertx.unavailableNativeTransportCause() + ")");
        PeregrineHttpServer server = new PeregrineHttpServer(vertx, config, registry, metrics, tensors);
        try {
            int port = server.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            return new ServerRuntime(vertx, registry, metrics, server, config.shutdownGrace(), port);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            registry.close(Duration.ZERO);
            vertx.close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new PeregrineException(ErrorCode.UNAVAILABLE, "cannot listen on " + config.host() + ":"
                    + config.port() + ": " + cause.getMessage(), cause);
        }
    }

    /** The bound port. */
    public int port() {
        return port;
    }

    /** The bound gRPC port, or -1 when gRPC is not served. */
    public int grpcPort() {
        return server.grpcPort();
    }

    /** The served models. */
    public ModelRegistry registry() {
        return registry;
    }

    /** The metrics {@code /metrics} scrapes. */
    public ServerMetrics metrics() {
        return metrics;
    }

    /** Graceful shutdown with the configured grace period. Blocks; idempotent. */
    public void shutdown() {
        synchronized (this) {
            if (shutDown) {
                return;
            }
            shutDown = true;
        }
        try {
            server.shutdown(grace);
        } finally {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // Vert.x threads are daemons; a slow close does not keep the process alive.
            }
        }
    }

    /** Same as {@link #shutdown()}. */
    @Override
    public void close() {
        shutdown();
    }
}
