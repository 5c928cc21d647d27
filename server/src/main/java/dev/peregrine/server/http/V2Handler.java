package dev.peregrine.server.http;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.server.batch.Deadline;
import dev.peregrine.server.model.ServedModel;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Open Inference Protocol (KServe v2, as Triton serves it) REST routes: server metadata, health, model
 * metadata and readiness, and inference on preprocessed tensors, with the binary tensor data extension.
 */
final class V2Handler {
    /** Name reported in the server metadata. */
    static final String SERVER_NAME = "peregrine";
    /** Version reported in the server metadata. */
    static final String SERVER_VERSION = "0.1.0";
    private static final String CALL_KEY = "peregrine.v2";
    private static final Set<String> BODY_TYPES = Set.of("", "application/json", "application/octet-stream");


    private final InferenceServices shared;
    private final ModelRepository repository;

    V2Handler(InferenceServices shared) {
        this.shared = shared;
        this.repository = new ModelRepository(shared.registry());
    }

    /** {@code GET /v2}. */
    void serverMetadata(RoutingContext ctx) {
        Responses.json(ctx.response(), 200, new JsonObject().put("name", SERVER_NAME).put("version", SERVER_VERSION)
                .put("extensions", new JsonArray().add("binary_tensor_data")));
    }

    /** {@code GET /v2/health/live}: the process answers. */
    void live(RoutingContext ctx) {
        Responses.json(ctx.response(), 200, new JsonObject().put("live", true));
    }

    /** {@code GET /v2/health/ready}: every model loaded and warmed up, and not shutting down. */
    void ready(RoutingContext ctx) {
        if (shared.admission().draining()) {
            ctx.fail(new PeregrineException(ErrorCode.OVERLOADED, "server is shutting down"));
        } else if (!shared.registry().allReady()) {
            ctx.fail(new PeregrineException(ErrorCode.UNAVAILABLE, "models are still loading"));
        } else {
            Responses.json(ctx.response(), 200, new JsonObject().put("ready", true));
        }
    }

    /**
     * Largest request that carries no tensor: a repository index body, a gRPC health, metadata or repository
     * message. More is 413 / RESOURCE_EXHAUSTED, so that such calls cannot hold tensor-sized buffers.
     */
    static final int SMALL_REQUEST_LIMIT = 64 * 1024;

    /**
     * {@code POST /v2/repository/index}: the served models with their states (Triton's repository index, the
     * protocol's way to list models); {@code {"ready": true}} in the body lists only the ready ones.
     */
    void repositoryIndex(RoutingContext ctx) {
        List<PooledBody> bodies = PooledBodies.of(ctx);
        boolean readyOnly;
        try {
            readyOnly = bodies != null && !bodies.isEmpty() && readyOnly(bodies.get(0).bytes());
        } catch (PeregrineException e) {
            ctx.fail(e);
            return;
        }
        JsonArray out = new JsonArray();
        for (ModelRepository.Entry e : repository.index(readyOnly)) {
            JsonObject o = new JsonObject().put("name", e.name()).put("version", e.version()).put("state", e.state());
            if (!e.reason().isEmpty()) {
                o.put("reason", e.reason());
            }
            out.add(o);
        }
        Responses.send(ctx.response(), 200, Responses.JSON, out.toBuffer());
    }

    /** The {@code ready} flag of a repository index request body (empty: false). */
    static boolean readyOnly(ByteBuffer body) throws PeregrineException {
        if (!body.hasRemaining()) {
            return false;
        }
        byte[] bytes = new byte[body.remaining()];
        body.get(bytes);
        try {
            return Boolean.TRUE.equals(new JsonObject(Buffer.buffer(bytes)).getBoolean("ready"));
        } catch (DecodeException | ClassCastException e) {
            throw PeregrineException.badInput("the repository index request is not a JSON object like "
                    + "{\"ready\": true}: " + e.getMessage());
        }
    }

    /** {@code POST /v2/repository/models/{name}/load} and {@code .../unload}: refused, the models are fixed. */
    void modelControl(RoutingContext ctx, String action) {
        ctx.fail(ModelRepository.modelControlRefused(action, ctx.pathParam("name")));
    }

    /** {@code GET /v2/models/{name}}. */
    void modelMetadata(RoutingContext ctx) {
        try {
            ServedModel m = shared.models().find(ctx.pathParam("name"));
            Responses.json(ctx.response(), 200, ModelJson.v2(m, shared.tensors().of(m)));
        } catch (PeregrineException e) {
            ctx.fail(e);
        }
    }

    /** {@code GET /v2/models/{name}/ready}: 200 when the model serves, 503 while it cannot. */
    void modelReady(RoutingContext ctx) {
        try {
            ServedModel m = shared.models().ready(ctx.pathParam("name"));
            Responses.json(ctx.response(), 200, new JsonObject().put("name", m.name()).put("ready", true));
        } catch (PeregrineException e) {
            ctx.fail(e);
        }
    }

    private static void retain(PooledBody body, int times) {
        for (int i = 0; body != null && i < times; i++) {
            body.retain();
        }
    }

    private static void release(PooledBody body) {
        if (body != null) {
            body.release();
        }
    }

    /** What {@link #beginInfer} validated, for {@link #infer}. */
    private record Call(ServedModel model, TensorModel tensors, Duration timeout) {
    }

    /** {@code POST /v2/models/{name}/infer}, step 1 before the body: model, content type, timeout. */
    void beginInfer(RoutingContext ctx) {
        try {
            ServedModel m = shared.models().ready(ctx.pathParam("name"));
            TensorModel t = shared.tensors().of(m).orElseThrow(() -> PeregrineException.unsupported("model '"
                    + m.name()
                    + "' does not offer tensor inference; use POST /v1/models/" + m.name() + "/detect"));
            String type = ImageBodies.mediaType(ctx.request());
            if (!BODY_TYPES.contains(type) && ctx.request().getHeader(InferRequest.HEADER_LENGTH) == null) {
                throw HttpProblem.unsupportedMediaType("inference requests are JSON (application/json), optionally "
                        + "followed by binary tensor data (" + InferRequest.HEADER_LENGTH + "); got '"
                        + ModelNames.abbreviate(type) + "'");
            }
            Duration timeout = RequestTimeouts.effective(ctx.request(), shared.config().requestTimeout());
            ctx.put(CALL_KEY, new Call(m, t, timeout));
            ctx.next();
        } catch (PeregrineException e) {
            ctx.fail(e);
        }
    }

    /** Step 2, once the body is in memory: parse on a worker, run, answer. */
    void infer(RoutingContext ctx) {
        Call call = ctx.get(CALL_KEY);
        Exchange ex = Exchange.open(ctx, "infer", call.model().name(), shared.recorder());
        ex.armDeadline(call.timeout());
        Deadline deadline = Deadline.after(call.timeout(), shared.clock());
        Context context = ctx.vertx().getOrCreateContext();
        String headerLength = ctx.request().getHeader(InferRequest.HEADER_LENGTH);
        TensorModel t = call.tensors();
        List<PooledBody> bodies = PooledBodies.of(ctx);
        PooledBody body = bodies == null || bodies.isEmpty() ? null : bodies.get(0);
        ByteBuffer bytes = body == null ? ByteBuffer.allocate(0) : body.bytes();
        // This chain's own reference, held until it completes: the request's goes when the exchange ends, which can
        // be while the worker still parses (client gone). The per-image references below are taken while it holds.
        retain(body, 1);
        shared.workers().executeBlocking(
                () -> InferRequest.parse(bytes, headerLength, t.input(), t.output()), false)
                .compose(req -> {
                    if (ex.finished()) {
                        return Future.failedFuture(new CancellationException("request ended"));
                    }
                    // Binary tensor data is read in place from the body: one reference per image, each released
                    // when the batcher no longer reads that image (which may be after a cancelled request ends).
                    retain(body, req.batch());
                    CompletableFuture<TensorModel.RawOutput> run = t.infer(req.data(), req.batch(), deadline,
                            () -> release(body));
                    ex.track(run);
                    return Future.fromCompletionStage(run, context).compose(out -> {
                        // InferResponse.of takes over the output's memory; if it never runs, it is given back here
                        AtomicBoolean taken = new AtomicBoolean();
                        return shared.workers().executeBlocking(() -> {
                            taken.set(true);
                            return InferResponse.of(call.model().name(), req.id(), req.outputs(), out);
                        }, false).onFailure(e -> {
                            if (!taken.get()) {
                                out.data().release();
                            }
                        });
                    });
                })
                .onComplete(ar -> {
                    release(body);
                    if (ar.failed()) {
                        ex.fail(ar.cause());
                        return;
                    }
                    InferResponse resp = ar.result();
                    if (resp.binary()) {
                        // the output's memory goes back once the body is on the wire
                        ex.reply(200, InferResponse.BINARY_TYPE, resp.parts(),
                                Map.of(InferRequest.HEADER_LENGTH, Integer.toString(resp.headerLength())),
                                resp::release);
                    } else {
                        ex.reply(200, Responses.JSON, resp.json(), Map.of());
                    }
                });
    }
}
