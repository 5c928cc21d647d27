package dev.peregrine.server.http;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.server.batch.MonotonicClock;
import dev.peregrine.server.metrics.ServerMetrics;
import dev.peregrine.server.model.ModelRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front of {@code peregrine serve}: routes, limits, authentication and graceful shutdown over a
 * {@link ModelRegistry}. The registry, its batchers and engines belong to the caller until {@link #shutdown}, which
 * drains and closes them.
 *
 * <p>Threads: routing and answers on one Vert.x event loop; header checks, decoding and letterboxing on a named
 * worker pool ({@code peregrine-decode}, one thread per core by default); inference on the batchers' own threads.
 * Nothing blocking runs on the event loop.
 */
public final class PeregrineHttpServer {
    private static final Logger LOG = LoggerFactory.getLogger(PeregrineHttpServer.class);
    /** Name of the worker pool that decodes images. */
    public static final String WORKER_POOL = "peregrine-decode";
    private static final String ENDPOINT_KEY = "peregrine.endpoint";
    private static final String START_KEY = "peregrine.start";

    private final Vertx vertx;
    private final HttpServerConfig config;
    private final ModelRegistry registry;
    private final ServerMetrics metrics;
    private final TensorModels tensors;
    private final RequestRecorder recorder;
    private final MonotonicClock clock;
    private final Admission admission;
    private WorkerExecutor workers;
    private HttpServer grpcServer;
    private ApiVerticle verticle;
    private String deploymentId;
    private boolean shutDown;

    /**
     * @param vertx    the Vert.x instance (the caller closes it after {@link #shutdown})
     * @param config   HTTP settings
     * @param registry the served models
     * @param metrics  where requests are counted and which {@code /metrics} scrapes
     * @param tensors  tensor views for the Open Inference Protocol's infer route
     */
    public PeregrineHttpServer(Vertx vertx, HttpServerConfig config, ModelRegistry registry, ServerMetrics metrics,
            TensorModels tensors) {
        this.vertx = vertx;
        this.config = config;
        this.registry = registry;
        this.metrics = metrics;
        this.tensors = tensors;
        this.recorder = MetricsRecorder.of(metrics);
        metrics.registerRequestBodyGauges(PooledBody::liveBuffers, PooledBody::liveBytes);
        metrics.registerTensorOutputGauges(TensorBytes::live, TensorBytes::liveBytes);
        this.clock = MonotonicClock.SYSTEM;
        this.admission = new Admission(config.admissionBytes());
    }

    /**
     * Binds and starts serving.
     *
     * @return the bound port (useful with port 0); fails with the bind error
     */
    public synchronized Future<Integer> start() {
        if (verticle != null) {
            return Future.failedFuture(new IllegalStateException("server already started"));
        }
        workers = vertx.createSharedWorkerExecutor(WORKER_POOL, config.workerThreads());
        verticle = new ApiVerticle(config, this::router);
        return vertx.deployVerticle(verticle).compose(id -> {
            synchronized (this) {
                deploymentId = id;
            }
            return startGrpc().map(v -> verticle.actualPort());
        }).onFailure(e -> {
            workers.close();
        });
    }

    /** The Open Inference Protocol over gRPC on its own port (HTTP/2 cleartext), when configured. */
    private Future<Void> startGrpc() {
        if (config.grpcPort() < 0) {
            return Future.succeededFuture();
        }
        GrpcInference grpc = new GrpcInference(inferenceServices());
        return vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.grpcPort()))
                .requestHandler(grpc.handler(vertx))
                .listen()
                .map(server -> {
                    synchronized (this) {
                        grpcServer = server;
                    }
                    LOG.info("Open Inference Protocol over gRPC on {}:{}", config.host(), server.actualPort());
                    return null;
                });
    }

    /** What the REST and gRPC forms of the Open Inference Protocol share. */
    private InferenceServices inferenceServices() {
        return new InferenceServices(registry, new ModelLookup(registry), tensors, admission, workers, config, recorder,
                clock);
    }

    /** The bound gRPC port, or -1 when gRPC is not served. */
    public synchronized int grpcPort() {
        return grpcServer == null ? -1 : grpcServer.actualPort();
    }

    /** The admission gate (for tests and the shutdown sequence). */
    public Admission admission() {
        return admission;
    }

    /**
     * Shuts down gracefully: stops admitting (new requests get 503 and readiness turns 503), lets the batchers run
     * what is queued for up to {@code grace} and fail the rest with 503, waits until every admitted request was
     * answered, then closes the registry (engines), the listener and the worker pool. Blocks; do not call it on an
     * event loop. Idempotent.
     */
    public void shutdown(Duration grace) {
        synchronized (this) {
            if (shutDown) {
                return;
            }
            shutDown = true;
        }
        if (Vertx.currentContext() != null && Vertx.currentContext().isEventLoopContext()) {
            throw new IllegalStateException("shutdown blocks; call it off the event loop");
        }
        long start = System.nanoTime();
        admission.startDraining();
        LOG.info("shutting down: {} requests in flight, grace {} s", admission.inFlight(), grace.toSeconds());
        // Tensor queues first, since they share the engines that closing the registry closes; the detect queues
        // keep running meanwhile. Then the registry stops admission, runs what is queued within the rest of the
        // grace period, fails what is left OVERLOADED (503) and closes the engines once no batch can use them.
        tensors.shutdown(grace);
        registry.close(positive(grace.minusNanos(System.nanoTime() - start)));
        Duration left = grace.minusNanos(System.nanoTime() - start);
        try {
            // Answers hop through the event loop after the batchers finish; give them a moment beyond the grace.
            admission.whenIdle().get(Math.max(0, left.toMillis()) + 2_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("{} requests still unanswered after the grace period; closing anyway", admission.inFlight());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warn("waiting for in-flight requests failed", e);
        }
        String id;
        synchronized (this) {
            id = deploymentId;
        }
        if (id != null) {
            await(vertx.undeploy(id), "closing the HTTP listener");
        }
        HttpServer grpc;
        synchronized (this) {
            grpc = grpcServer;
        }
        if (grpc != null) {
            await(grpc.close(), "closing the gRPC listener");
        }
        if (workers != null) {
            await(workers.close(), "closing the worker pool");
        }
        LOG.info("shutdown complete in {} ms", (System.nanoTime() - start) / 1_000_000);
    }

    private static Duration positive(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static void await(Future<?> f, String what) {
        try {
            f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{} failed: {}", what, e.toString());
        }
    }

    /** Builds the router; called once per verticle instance on its event loop. */
    private Router router(Vertx v) {
        ModelLookup lookup = new ModelLookup(registry);
        DetectHandler detect = new DetectHandler(lookup, workers, config, recorder, clock);
        ModelsHandler models = new ModelsHandler(registry, lookup);
        OpsHandler ops = new OpsHandler(registry, admission, metrics);
        V2Handler v2 = new V2Handler(inferenceServices());
        Handler<RoutingContext> auth = config.apiKey() == null ? RoutingContext::next : new ApiKeyAuth(config.apiKey());
        PooledBodies bodies = new PooledBodies(config.bodyLimitBytes());
        PooledBodies repositoryBodies = new PooledBodies(V2Handler.SMALL_REQUEST_LIMIT,
                "repository requests are small JSON objects", PooledByteBufAllocator.DEFAULT);

        Router router = Router.router(v);
        if (config.corsOrigin() != null) {
            router.route().handler(CorsHandler.create().addOrigin(config.corsOrigin())
                    .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST))
                    .allowedHeaders(Set.of(HttpHeaders.CONTENT_TYPE.toString(), HttpHeaders.AUTHORIZATION.toString(),
                            HttpHeaders.ACCEPT.toString(), ApiKeyAuth.API_KEY_HEADER, RequestTimeouts.HEADER,
                            InferRequest.HEADER_LENGTH))
                    .exposedHeaders(Set.of(InferRequest.HEADER_LENGTH, HttpHeaders.RETRY_AFTER.toString())));
        }
        // Operations: open, so that probes and scrapers need no key.
        router.get("/health/live").handler(ops::live);
        router.get("/health/ready").handler(ops::ready);
        router.get("/metrics").handler(ops::metrics);
        router.get("/v2/health/live").handler(v2::live);
        router.get("/v2/health/ready").handler(v2::ready);
        router.get("/v2").handler(v2::serverMetadata);

        // Peregrine's API.
        router.route("/v1/*").handler(auth);
        router.get("/v1/models").handler(models::list);
        router.get("/v1/models/:name").handler(models::get);
        router.post("/v1/models/:name/detect")
                .handler(ctx -> admit(ctx, "detect"))
                .handler(detect::begin)
                .handler(new ImageBodies(bodies))
                .handler(detect::detect);

        // Open Inference Protocol.
        router.route("/v2/models/*").handler(auth);
        router.get("/v2/models/:name").handler(v2::modelMetadata);
        router.get("/v2/models/:name/ready").handler(v2::modelReady);
        // The checks before the body are synchronous, so that they can refuse a request (404, 401, 503) before its
        // body is read; the body goes to pooled native memory, its tensor data is used there.
        router.post("/v2/models/:name/infer")
                .handler(ctx -> admit(ctx, "infer"))
                .handler(v2::beginInfer)
                .handler(bodies::collectRaw)
                .handler(v2::infer);
        router.route("/v2/repository/*").handler(auth);
        router.post("/v2/repository/index").handler(repositoryBodies::collectRaw).handler(v2::repositoryIndex);
        router.post("/v2/repository/models/:name/load").handler(ctx -> v2.modelControl(ctx, "load"));
        router.post("/v2/repository/models/:name/unload").handler(ctx -> v2.modelControl(ctx, "unload"));

        // The demo page: "/" and top-level static files only, so that API paths keep their 404/405 answers.
        router.getWithRegex("^/(?:[A-Za-z0-9_-]+\\.(?:html|js|css|svg|ico))?$")
                .handler(StaticHandler.create("webroot").setCachingEnabled(false));

        router.route().failureHandler(this::failure);
        router.errorHandler(404, ctx -> sendError(ctx, ApiError.ofStatus(404)));
        router.errorHandler(405, ctx -> sendError(ctx, ApiError.ofStatus(405)));
        return router;
    }

    /**
     * Lets an inference request in, holding its declared body size against the admission budget until it is
     * answered; 503 when shutting down or over budget.
     */
    private void admit(RoutingContext ctx, String endpoint) {
        ctx.put(ENDPOINT_KEY, endpoint);
        ctx.put(START_KEY, System.nanoTime());
        long bytes = config.bodyLimitBytes();
        String declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null) {
            try {
                bytes = Math.min(bytes, Math.max(0, Long.parseLong(declared.trim())));
            } catch (NumberFormatException ignored) {
                // keep the body limit as the reservation; the HTTP codec rejects a malformed length anyway
            }
        }
        try {
            Admission.Ticket ticket = admission.admit(bytes);
            ctx.addEndHandler(ar -> ticket.close());
            ctx.next();
        } catch (PeregrineException e) {
            ctx.fail(e);
        }
    }

    /** The one failure handler: every failed route answers {@code {error, message}} with its mapped status. */
    private void failure(RoutingContext ctx) {
        ApiError error = ApiError.of(ctx.failure(), ctx.statusCode());
        sendError(ctx, error);
        String endpoint = ctx.get(ENDPOINT_KEY);
        if (endpoint != null) {
            // Only served names become metric labels, so random names cannot blow up the label set.
            String model = ctx.pathParam("name");
            boolean served = ModelNames.isValid(model) && registry.get(model).isPresent();
            long start = ctx.get(START_KEY);
            recorder.finished(endpoint, served ? model : "unknown", error.status(), System.nanoTime() - start);
        }
    }

    private static void sendError(RoutingContext ctx, ApiError error) {
        if (!ctx.response().headWritten()) {
            Responses.error(ctx.response(), error);
        }
    }
}
