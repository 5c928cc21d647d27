package dev.peregrine.server.http;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.TensorSpec;
import dev.peregrine.server.batch.Deadline;
import dev.peregrine.server.grpc.v2.ModelInferRequest;
import dev.peregrine.server.grpc.v2.ModelInferResponse;
import dev.peregrine.server.grpc.v2.ModelMetadataRequest;
import dev.peregrine.server.grpc.v2.ModelMetadataResponse;
import dev.peregrine.server.grpc.v2.ModelReadyRequest;
import dev.peregrine.server.grpc.v2.ModelReadyResponse;
import dev.peregrine.server.grpc.v2.RepositoryIndexRequest;
import dev.peregrine.server.grpc.v2.RepositoryIndexResponse;
import dev.peregrine.server.grpc.v2.RepositoryModelLoadRequest;
import dev.peregrine.server.grpc.v2.RepositoryModelUnloadRequest;
import dev.peregrine.server.grpc.v2.ServerLiveRequest;
import dev.peregrine.server.grpc.v2.ServerLiveResponse;
import dev.peregrine.server.grpc.v2.ServerMetadataRequest;
import dev.peregrine.server.grpc.v2.ServerMetadataResponse;
import dev.peregrine.server.grpc.v2.ServerReadyRequest;
import dev.peregrine.server.grpc.v2.ServerReadyResponse;
import dev.peregrine.server.model.ServedModel;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.GrpcServerRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Open Inference Protocol (KServe v2, as Triton serves it) over gRPC: {@code inference.GRPCInferenceService}
 * with ServerLive, ServerReady, ModelReady, ServerMetadata, ModelMetadata and ModelInfer, on the same models,
 * tensor views, admission budget, deadlines and API key as the REST routes ({@link V2Handler}).
 *
 * <p>ModelInfer takes the model's one FP32 input {@code [B, 3, H, W]} as {@code raw_input_contents} (little-endian,
 * what Triton's clients send) or as {@code contents.fp32_contents}, and answers the raw head output in
 * {@code raw_output_contents}. Errors are gRPC statuses with the same messages as the REST answers: INVALID_ARGUMENT
 * (400), NOT_FOUND (404), RESOURCE_EXHAUSTED (413), FAILED_PRECONDITION (422), UNAVAILABLE (503, retry),
 * DEADLINE_EXCEEDED (504), UNAUTHENTICATED (401), INTERNAL (500).
 *
 * <p>Memory: ModelInfer messages are read off the HTTP/2 stream into pooled native memory ({@link GrpcInferCall})
 * and parsed there by protobuf with aliasing, so the input tensor the batch reads is a view of that memory, as on
 * the REST binary route ({@link PooledBodies}); the other (small) calls go through Vert.x's gRPC server. The
 * answer's output bytes are written from the native memory the batch wrote them into ({@link TensorBytes}); only
 * the small head of the message is serialized on the heap.
 */
final class GrpcInference {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcInference.class);
    private static final ServiceName SERVICE = ServiceName.create("inference", "GRPCInferenceService");
    /** {@code grpc-timeout}: up to 8 digits and a unit (hours, minutes, seconds, milli-, micro-, nanoseconds). */
    private static final Pattern GRPC_TIMEOUT = Pattern.compile("(\\d{1,8})([HMSmun])");
    private static final String ENDPOINT = "grpc_infer";

    private final InferenceServices shared;
    private final ApiKeyAuth auth;
    private final ModelRepository repository;

    GrpcInference(InferenceServices shared) {
        this.shared = shared;
        this.auth = shared.config().apiKey() == null ? null : new ApiKeyAuth(shared.config().apiKey());
        this.repository = new ModelRepository(shared.registry());
    }

    /** A gRPC server (an HTTP/2 request handler) with every method of the service but ModelInfer registered. */
    GrpcServer server(Vertx vertx) {
        // Vert.x collects these messages on the heap: they are small (ModelInfer, the large one, is read by
        // GrpcInferCall), so a small limit keeps a caller from making them tensor-sized.
        GrpcServer server = GrpcServer.server(vertx, new GrpcServerOptions()
                .setMaxMessageSize(V2Handler.SMALL_REQUEST_LIMIT));
        unary(server, "ServerLive", ServerLiveRequest.parser(), req -> Future.succeededFuture(
                ServerLiveResponse.newBuilder().setLive(true).build()));
        unary(server, "ServerReady", ServerReadyRequest.parser(), req -> Future.succeededFuture(
                ServerReadyResponse.newBuilder()
                        .setReady(!shared.admission().draining() && shared.registry().allReady()).build()));
        unary(server, "ModelReady", ModelReadyRequest.parser(), req -> call(() -> {
            ServedModel m = shared.models().find(req.getName());
            return ModelReadyResponse.newBuilder().setReady(m.state() == ServedModel.State.READY).build();
        }));
        unary(server, "ServerMetadata", ServerMetadataRequest.parser(), req -> Future.succeededFuture(
                ServerMetadataResponse.newBuilder().setName(V2Handler.SERVER_NAME)
                        .setVersion(V2Handler.SERVER_VERSION).build()));
        unary(server, "ModelMetadata", ModelMetadataRequest.parser(),
                req -> call(() -> metadata(req.getName())));
        unary(server, "RepositoryIndex", RepositoryIndexRequest.parser(), req -> {
            RepositoryIndexResponse.Builder b = RepositoryIndexResponse.newBuilder();
            for (ModelRepository.Entry e : repository.index(req.getReady())) {
                b.addModels(RepositoryIndexResponse.ModelIndex.newBuilder().setName(e.name()).setVersion(e.version())
                        .setState(e.state()).setReason(e.reason()));
            }
            return Future.succeededFuture(b.build());
        });
        unary(server, "RepositoryModelLoad", RepositoryModelLoadRequest.parser(), req -> Future.failedFuture(
                ModelRepository.modelControlRefused("load", req.getModelName())));
        unary(server, "RepositoryModelUnload", RepositoryModelUnloadRequest.parser(), req -> Future.failedFuture(
                ModelRepository.modelControlRefused("unload", req.getModelName())));
        return server;
    }

    /**
     * The gRPC port's request handler: ModelInfer calls are read by {@link GrpcInferCall} (messages in pooled native
     * memory), every other call by Vert.x's gRPC server ({@link #server}).
     */
    Handler<HttpServerRequest> handler(Vertx vertx) {
        GrpcServer others = server(vertx);
        long maxMessage = shared.config().bodyLimitBytes();
        return request -> {
            if (GrpcInferCall.accepts(request)) {
                infer(new GrpcInferCall(request, maxMessage));
            } else {
                others.handle(request);
            }
        };
    }

    /**
     * A method whose request arrives as bytes: decoding is ours ({@link #decode}), so that a malformed message is
     * answered INVALID_ARGUMENT with the parser's reason instead of a reset stream.
     */
    private static <R extends MessageLite> ServiceMethod<Buffer, R> method(String name) {
        return ServiceMethod.server(SERVICE, name, GrpcMessageEncoder.encoder(), GrpcMessageDecoder.IDENTITY);
    }

    /**
     * Parses a request message where it lies: bytes fields (the raw tensor) alias the received buffer instead of
     * being copied.
     *
     * @throws PeregrineException BAD_INPUT naming what is wrong with the message
     */
    static <Q> Q decode(Parser<Q> parser, Buffer message, String method) throws PeregrineException {
        return decode(parser, ((BufferInternal) message).getByteBuf().nioBuffer(), method);
    }

    /** {@link #decode(Parser, Buffer, String)} of a message in a byte buffer (its position to its limit). */
    static <Q> Q decode(Parser<Q> parser, ByteBuffer message, String method) throws PeregrineException {
        try {
            CodedInputStream in = CodedInputStream.newInstance(message);
            in.enableAliasing(true);
            return parser.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw PeregrineException.badInput("the " + method + " request is not a valid protobuf message: "
                    + e.getMessage());
        }
    }

    /** A unary method whose answer needs no admission (health, metadata); the API key still applies. */
    private <Q, R extends MessageLite> void unary(GrpcServer server, String name, Parser<Q> parser,
            Function<Q, Future<R>> answer) {
        server.callHandler(method(name), (GrpcServerRequest<Buffer, R> request) -> {
            Optional<PeregrineException> refused = authenticate(request.headers());
            if (refused.isPresent()) {
                fail(request, refused.get());
                return;
            }
            AtomicBoolean received = new AtomicBoolean();
            request.handler(bytes -> {
                received.set(true);
                Future<R> answered;
                try {
                    answered = answer.apply(decode(parser, bytes, name));
                } catch (PeregrineException e) {
                    answered = Future.failedFuture(e);
                }
                answered.onComplete(ar -> {
                    if (ar.succeeded()) {
                        answer(request, () -> request.response().end(ar.result()));
                    } else {
                        fail(request, ar.cause());
                    }
                });
            });
            request.endHandler(v -> failWithoutMessage(request, received));
        });
    }

    /** A unary call whose client ended the stream without a message gets an answer too, not silence. */
    private static void failWithoutMessage(GrpcServerRequest<?, ?> request, AtomicBoolean received) {
        if (!received.get()) {
            fail(request, PeregrineException.badInput("the call carried no request message"));
        }
    }

    @FunctionalInterface
    private interface Answer<R> {
        R get() throws PeregrineException;
    }

    private static <R> Future<R> call(Answer<R> answer) {
        try {
            return Future.succeededFuture(answer.get());
        } catch (PeregrineException e) {
            return Future.failedFuture(e);
        }
    }

    private ModelMetadataResponse metadata(String name) throws PeregrineException {
        ServedModel m = shared.models().find(name);
        ModelMetadataResponse.Builder b = ModelMetadataResponse.newBuilder().setName(m.name()).addVersions("1")
                .setPlatform(ModelJson.platform(m));
        shared.tensors().of(m).ifPresent(t -> b.addInputs(tensor(t.input())).addOutputs(tensor(t.output())));
        return b.build();
    }

    private static ModelMetadataResponse.TensorMetadata tensor(TensorSpec spec) {
        ModelMetadataResponse.TensorMetadata.Builder t = ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName(spec.name()).setDatatype(ModelJson.datatype(spec.elementType()));
        for (long d : spec.shape()) {
            t.addShape(d);
        }
        return t.build();
    }

    /** Empty when the call may proceed; else why not (no API key, or a wrong one). */
    private Optional<PeregrineException> authenticate(MultiMap headers) {
        if (auth == null) {
            return Optional.empty();
        }
        return auth.refusal(ApiKeyAuth.presentedKey(headers)).map(Unauthenticated::new);
    }

    /**
     * ModelInfer: read the message into pooled native memory ({@link GrpcInferCall}), decode it there, admission (the
     * message's size against {@code --queue-mb}, held until the answer), parse on a worker, run on the model's
     * tensor batcher reading the raw input where it lies, answer raw output bytes.
     */
    private void infer(GrpcInferCall call) {
        long start = System.nanoTime();
        Optional<PeregrineException> refused = authenticate(call.headers());
        if (refused.isPresent()) {
            fail(call, refused.get());
            return;
        }
        Context context = Vertx.currentContext();
        call.read(bytes -> {
            ModelInferRequest msg;
            ServedModel m;
            TensorModel t;
            Deadline deadline;
            Admission.Ticket ticket;
            try {
                msg = decode(ModelInferRequest.parser(), bytes, "ModelInfer");
                m = shared.models().ready(msg.getModelName());
                t = shared.tensors().of(m).orElseThrow(() -> PeregrineException.unsupported("model '" + m.name()
                        + "' does not offer tensor inference"));
                deadline = Deadline.after(timeout(call.headers()), shared.clock());
                // Held from here until the answer: the message, and the views of it the batch reads.
                ticket = shared.admission().admit(bytes.remaining());
            } catch (PeregrineException e) {
                finish(call, null, null, start, null, e);
                return;
            }
            // This chain's own reference to the message, held until it completes: the call's goes when it is
            // answered or reset, which can be while the worker still parses. Per-image references are taken below.
            PooledBody body = call.body().retain();
            shared.workers().executeBlocking(() -> parse(msg, t.input(), t.output()), false)
                    .compose(req -> {
                        // The raw input is read in place: one reference per image, each released when the batcher
                        // no longer reads that image (which may be after a cancelled call ended).
                        for (int i = 0; i < req.batch(); i++) {
                            body.retain();
                        }
                        CompletableFuture<TensorModel.RawOutput> run = t.infer(req.data(), req.batch(), deadline,
                                body::release);
                        call.onReset(() -> run.cancel(false)); // the client cancelled or reset the stream
                        return Future.fromCompletionStage(run, context);
                    })
                    .onComplete(ar -> {
                        body.release();
                        ticket.close();
                        finish(call, m.name(), msg.getId(), start, ar.succeeded() ? ar.result() : null,
                                ar.cause());
                    });
        });
    }

    /**
     * Answers once: the output (whose memory the call gives back once written), or the failure as a gRPC status;
     * records the request like a REST one.
     */
    private void finish(GrpcInferCall call, String model, String id, long start, TensorModel.RawOutput output,
            Throwable failure) {
        int status = failure == null ? 200 : ApiError.of(failure).status();
        boolean served = model != null && ModelNames.isValid(model) && shared.registry().get(model).isPresent();
        shared.recorder().finished(ENDPOINT, served ? model : "unknown", status, System.nanoTime() - start);
        if (failure == null) {
            call.answer(response(model, id, output), output.data());
        } else {
            fail(call, failure);
        }
    }

    /**
     * The request's one input as a float view of its raw bytes (no copy) or of its typed contents, validated like
     * the REST route ({@link InferRequest}).
     */
    static InferRequest parse(ModelInferRequest msg, TensorSpec input, TensorSpec output) throws PeregrineException {
        if (msg.getInputsCount() != 1) {
            throw PeregrineException.badInput("'inputs' must list exactly one tensor, '" + input.name() + "'");
        }
        ModelInferRequest.InferInputTensor in = msg.getInputs(0);
        String name = in.getName();
        InferRequest.checkName(name, input);
        InferRequest.checkDatatype(name, in.getDatatype());
        long[] shape = in.getShapeList().stream().mapToLong(Long::longValue).toArray();
        int count = InferRequest.elementCount(name, shape, input);
        FloatBuffer data;
        if (msg.getRawInputContentsCount() > 0) {
            if (msg.getRawInputContentsCount() != 1 || in.hasContents()) {
                throw PeregrineException.badInput("give input '" + name + "' either as one raw_input_contents entry "
                        + "or as contents, not both");
            }
            ByteString raw = msg.getRawInputContents(0);
            if (raw.size() != (long) count * Float.BYTES) {
                throw PeregrineException.badInput("input '" + name + "' has " + raw.size() + " bytes of raw contents;"
                        + " its shape needs " + (long) count * Float.BYTES + " (FP32, little-endian)");
            }
            data = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        } else {
            int n = in.getContents().getFp32ContentsCount();
            if (n != count) {
                throw PeregrineException.badInput("input '" + name + "' has " + n + " fp32_contents values; its shape "
                        + "needs " + count + " (or send raw_input_contents)");
            }
            float[] values = new float[count];
            for (int i = 0; i < count; i++) {
                values[i] = in.getContents().getFp32Contents(i);
            }
            data = FloatBuffer.wrap(values);
        }
        for (ModelInferRequest.InferRequestedOutputTensor o : msg.getOutputsList()) {
            if (!output.name().equals(o.getName())) {
                throw PeregrineException.badInput("unknown output '" + ModelNames.abbreviate(o.getName())
                        + "': this model's output is '" + output.name() + "'");
            }
        }
        return new InferRequest(msg.getId().isEmpty() ? null : msg.getId(), (int) shape[0], data,
                List.of(new InferRequest.RequestedOutput(output.name(), true)));
    }

    /**
     * The answer without its data: model, id and the output's name, datatype and shape. The raw little-endian FP32
     * bytes, as Triton answers gRPC requests ({@code raw_output_contents}), are appended from native memory by
     * {@link GrpcInferCall#answer}.
     */
    static ModelInferResponse response(String model, String id, TensorModel.RawOutput out) {
        ModelInferResponse.InferOutputTensor.Builder tensor = ModelInferResponse.InferOutputTensor.newBuilder()
                .setName(out.name()).setDatatype("FP32");
        for (long d : out.shape()) {
            tensor.addShape(d);
        }
        return ModelInferResponse.newBuilder().setModelName(model).setModelVersion("1").setId(id)
                .addOutputs(tensor).build();
    }

    /** The server's request timeout, shortened by the client's {@code grpc-timeout}. */
    private Duration timeout(MultiMap headers) throws PeregrineException {
        Duration max = shared.config().requestTimeout();
        String h = headers.get("grpc-timeout");
        if (h == null) {
            return max;
        }
        Matcher m = GRPC_TIMEOUT.matcher(h.trim());
        if (!m.matches()) {
            throw PeregrineException.badInput("malformed grpc-timeout '" + ModelNames.abbreviate(h) + "'");
        }
        long v = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "H" -> Duration.ofHours(v);
            case "M" -> Duration.ofMinutes(v);
            case "S" -> Duration.ofSeconds(v);
            case "m" -> Duration.ofMillis(v);
            case "u" -> Duration.ofNanos(v * 1000);
            default -> Duration.ofNanos(v);
        };
        return d.compareTo(max) < 0 ? (d.isZero() ? Duration.ofNanos(1) : d) : max;
    }

    private static void fail(GrpcServerRequest<?, ?> request, Throwable failure) {
        ApiError error = error(failure);
        answer(request, () -> request.response().status(status(error.status())).statusMessage(error.message()).end());
    }

    private static void fail(GrpcInferCall call, Throwable failure) {
        ApiError error = error(failure);
        call.fail(status(error.status()), error.message());
    }

    /** The REST error a failure would be; a refused API key is 401. */
    private static ApiError error(Throwable failure) {
        return failure instanceof Unauthenticated u ? new ApiError(401, "unauthorized", u.getMessage())
                : ApiError.of(failure);
    }

    /**
     * Writes an answer unless the stream is already closed: the gRPC layer answers some calls itself (a message over
     * the size limit: RESOURCE_EXHAUSTED) and a client may reset the stream while its call runs.
     */
    private static void answer(GrpcServerRequest<?, ?> request, Runnable write) {
        try {
            write.run();
        } catch (IllegalStateException closed) {
            LOG.debug("gRPC call {} already closed: {}", request.fullMethodName(), closed.getMessage());
        }
    }

    /** The gRPC status for the HTTP status the REST route would answer. */
    static GrpcStatus status(int httpStatus) {
        return switch (httpStatus) {
            case 400 -> GrpcStatus.INVALID_ARGUMENT;
            case 401 -> GrpcStatus.UNAUTHENTICATED;
            case 404 -> GrpcStatus.NOT_FOUND;
            case 413 -> GrpcStatus.RESOURCE_EXHAUSTED;
            case 422 -> GrpcStatus.FAILED_PRECONDITION;
            case 503 -> GrpcStatus.UNAVAILABLE;
            case 504 -> GrpcStatus.DEADLINE_EXCEEDED;
            default -> GrpcStatus.INTERNAL;
        };
    }

    /** A missing or wrong API key. */
    private static final class Unauthenticated extends PeregrineException {
        private static final long serialVersionUID = 1L;

        Unauthenticated(String message) {
            super(ErrorCode.BAD_INPUT, message);
        }
    }
}
