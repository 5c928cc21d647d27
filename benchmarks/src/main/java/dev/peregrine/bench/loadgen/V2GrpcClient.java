package dev.peregrine.bench.loadgen;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import com.google.protobuf.MessageOrBuilder;
import dev.peregrine.bench.run.EncodedImage;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.server.grpc.v2.ModelInferRequest;
import dev.peregrine.server.grpc.v2.ModelMetadataRequest;
import dev.peregrine.server.grpc.v2.ModelMetadataResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcErrorException;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * {@link Protocol#V2_GRPC}: sends preprocessed FP32 tensors to {@code inference.GRPCInferenceService/ModelInfer}
 * as {@code raw_input_contents}, as Triton's {@code perf_analyzer -i grpc} does, over one HTTP/2 connection
 * (h2c) on one event loop. The input's name and size come from {@code ModelMetadata}. Each call carries the
 * request timeout as its gRPC deadline, which this side enforces too: an answer's outcome is its gRPC status name
 * ({@code DEADLINE_EXCEEDED} when the server gave up), a call this side gave up on is a {@code timeout} as over
 * REST.
 *
 * <p>Requests beyond the server's HTTP/2 stream limit (Vert.x's default: 100 concurrent streams) wait on this side
 * for a stream, as with any gRPC client on one channel.
 */
final class V2GrpcClient implements LoadClient {
    private static final ServiceName SERVICE = ServiceName.create("inference", "GRPCInferenceService");
    /**
     * ModelInfer with pre-serialized requests and unparsed answers: the client costs as little per call as the REST
     * client's prepared bodies, so that the comparison measures the server.
     */
    private static final ServiceMethod<Buffer, Buffer> INFER = ServiceMethod.client(SERVICE, "ModelInfer",
            GrpcMessageEncoder.IDENTITY, GrpcMessageDecoder.IDENTITY);
    private static final ServiceMethod<ModelMetadataResponse, ModelMetadataRequest> METADATA = method(
            "ModelMetadata", ModelMetadataResponse.getDefaultInstance());
    /** Largest answer accepted: outputs of a large batch are tens of megabytes. */
    static final long MAX_MESSAGE_BYTES = 1L << 30;

    private final Vertx vertx;
    private final GrpcClient client;
    private final SocketAddress address;
    private final long timeoutMs;
    private final List<Buffer> requests = new ArrayList<>();

    private V2GrpcClient(SocketAddress address, Duration timeout) {
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
        this.client = GrpcClient.client(vertx, new GrpcClientOptions().setMaxMessageSize(MAX_MESSAGE_BYTES)
                .setScheduleDeadlineAutomatically(true));
        this.address = address;
        this.timeoutMs = Math.max(1, timeout.toMillis());
    }

    /**
     * Reads the model's metadata and prepares the request messages.
     *
     * @param address the server's gRPC port
     * @param model   model name
     * @param batch   images per request
     * @param budget  byte budget of the prepared tensors ({@link TensorPayloads})
     * @throws PeregrineException when the metadata cannot be read, the input does not fit or an image is bad
     */
    static V2GrpcClient open(SocketAddress address, String model, List<EncodedImage> images, int batch, long budget,
            Duration timeout) throws PeregrineException {
        V2GrpcClient c = new V2GrpcClient(address, timeout);
        try {
            TensorInput input = c.input(model, batch);
            for (byte[] tensor : TensorPayloads.build(images, input, budget)) {
                c.requests.add(Buffer.buffer(request(model, input, tensor).toByteArray()));
            }
            return c;
        } catch (PeregrineException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** A ModelInfer request of one tensor in {@code raw_input_contents}. */
    static ModelInferRequest request(String model, TensorInput input, byte[] tensor) {
        ModelInferRequest.InferInputTensor.Builder in = ModelInferRequest.InferInputTensor.newBuilder()
                .setName(input.name()).setDatatype("FP32");
        for (long d : input.shape()) {
            in.addShape(d);
        }
        return ModelInferRequest.newBuilder().setModelName(model).addInputs(in)
                .addRawInputContents(ByteString.copyFrom(tensor)).build();
    }

    private TensorInput input(String model, int batch) throws PeregrineException {
        ModelMetadataRequest request = ModelMetadataRequest.newBuilder().setName(model).build();
        GrpcClientResponse<ModelMetadataRequest, ModelMetadataResponse> response;
        ModelMetadataResponse meta;
        try {
            // Not load: the metadata call gets at least a scrape's timeout even when requests have a tight deadline.
            response = client.request(address, METADATA).compose(req -> {
                req.timeout(Math.max(timeoutMs, LoadGenerator.SCRAPE_TIMEOUT.toMillis()), TimeUnit.MILLISECONDS);
                return req.send(request);
            }).toCompletionStage().toCompletableFuture().join();
        } catch (CompletionException e) {
            throw PeregrineException.badInput("gRPC ModelMetadata of '" + model + "' at " + address + " failed: "
                    + failure(e.getCause() == null ? e : e.getCause()));
        }
        try {
            meta = response.last().toCompletionStage().toCompletableFuture().join();
        } catch (CompletionException e) {
            throw PeregrineException.badInput("gRPC ModelMetadata of '" + model + "' at " + address + " answered "
                    + (response.status() == null ? "no status" : response.status().name()) + ": "
                    + response.statusMessage());
        }
        if (meta.getInputsCount() == 0) {
            throw PeregrineException.badInput("model '" + model + "' metadata lists no inputs");
        }
        ModelMetadataResponse.TensorMetadata in = meta.getInputs(0);
        return TensorInput.of(model, in.getName(), in.getDatatype(), in.getShapeList(), batch);
    }

    @Override
    public int requests() {
        return requests.size();
    }

    @Override
    public Future<Reply> send(int index) {
        Buffer message = requests.get(index);
        long start = System.nanoTime();
        return client.request(address, INFER)
                .compose(req -> {
                    req.timeout(timeoutMs, TimeUnit.MILLISECONDS);
                    return req.send(message);
                })
                .compose(resp -> resp.last().transform(ar -> Future.succeededFuture(reply(resp.status()))))
                .recover(err -> Future.succeededFuture(new Reply(
                        // the deadline this side scheduled reset the stream: a client timeout, as over REST
                        System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(timeoutMs) ? "timeout"
                                : failure(err), false, null)));
    }

    /** The outcome of an answered call: its status name, ok for {@code OK}. */
    static Reply reply(GrpcStatus status) {
        return status == null ? new Reply("io-error", false, null) : new Reply(status.name(), status == GrpcStatus.OK,
                null);
    }

    /** A call that ended without a status from the server: its local status (a missed deadline), else I/O. */
    static String failure(Throwable err) {
        return err instanceof GrpcErrorException g && g.status() != null ? g.status().name() : Reply.outcome(err);
    }


    @Override
    public void close() {
        client.close().await();
        vertx.close().await();
    }

    private static <Q extends MessageLite, R extends MessageOrBuilder> ServiceMethod<R, Q> method(String name,
            R answerType) {
        return ServiceMethod.client(SERVICE, name, GrpcMessageEncoder.encoder(),
                GrpcMessageDecoder.decoder(answerType));
    }
}
