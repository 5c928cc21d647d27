package dev.peregrine.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.peregrine.server.grpc.v2.InferTensorContents;
import dev.peregrine.server.grpc.v2.ModelInferRequest;
import dev.peregrine.server.grpc.v2.ModelInferResponse;
import dev.peregrine.server.grpc.v2.ModelMetadataRequest;
import dev.peregrine.server.grpc.v2.ModelMetadataResponse;
import dev.peregrine.server.grpc.v2.ModelReadyRequest;
import dev.peregrine.server.grpc.v2.ModelReadyResponse;
import dev.peregrine.server.grpc.v2.RepositoryIndexRequest;
import dev.peregrine.server.grpc.v2.RepositoryIndexResponse;
import dev.peregrine.server.grpc.v2.RepositoryModelLoadRequest;
import dev.peregrine.server.grpc.v2.RepositoryModelLoadResponse;
import dev.peregrine.server.grpc.v2.ServerLiveRequest;
import dev.peregrine.server.grpc.v2.ServerLiveResponse;
import dev.peregrine.server.grpc.v2.ServerMetadataRequest;
import dev.peregrine.server.grpc.v2.ServerMetadataResponse;
import dev.peregrine.server.grpc.v2.ServerReadyRequest;
import dev.peregrine.server.grpc.v2.ServerReadyResponse;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Open Inference Protocol over gRPC against the fake tensor model ({@code images [B, 3, 4, 4]} in,
 * {@code output0 [B, 2, 3]} computed from it): health, metadata, inference with raw and typed input, and the
 * statuses of bad calls, with the REST routes' messages.
 */
@ExtendWith(VertxExtension.class)
class GrpcInferenceTest {
    private static final int PER_IMAGE = 3 * FakeTensorModel.H * FakeTensorModel.W;

    private static TestServer start(Vertx vertx, HttpServerConfig config) throws Exception {
        return TestServer.start(vertx, config.withGrpcPort(0), new FakeDetector(0),
                TestServer.policy(8, 64, Duration.ofSeconds(10)));
    }

    private static float[] input(int batch) {
        float[] v = new float[batch * PER_IMAGE];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 17) / 17f;
        }
        return v;
    }

    private static ModelInferRequest.InferInputTensor.Builder tensor(String name, String datatype, long... shape) {
        ModelInferRequest.InferInputTensor.Builder t = ModelInferRequest.InferInputTensor.newBuilder()
                .setName(name).setDatatype(datatype);
        for (long d : shape) {
            t.addShape(d);
        }
        return t;
    }

    private static ByteString raw(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return ByteString.copyFrom(b.array());
    }

    private static float[] rawOutput(ModelInferResponse r) {
        FloatBuffer f = r.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer();
        float[] out = new float[f.remaining()];
        f.get(out);
        return out;
    }

    @Test
    void healthAndMetadata(Vertx vertx) throws Exception {
        try (TestServer s = start(vertx, HttpServerConfig.defaults(0));
             GrpcCalls grpc = new GrpcCalls(vertx, s.server.grpcPort())) {
            assertThat(s.server.grpcPort()).isPositive().isNotEqualTo(s.port);
            assertThat(grpc.call("ServerLive", ServerLiveRequest.getDefaultInstance(),
                    ServerLiveResponse.getDefaultInstance()).answer().getLive()).isTrue();
            assertThat(grpc.call("ServerReady", ServerReadyRequest.getDefaultInstance(),
                    ServerReadyResponse.getDefaultInstance()).answer().getReady()).isTrue();
            assertThat(grpc.call("ModelReady", ModelReadyRequest.newBuilder().setName("shapes").build(),
                    ModelReadyResponse.getDefaultInstance()).answer().getReady()).isTrue();
            ServerMetadataResponse server = grpc.call("ServerMetadata", ServerMetadataRequest.getDefaultInstance(),
                    ServerMetadataResponse.getDefaultInstance()).answer();
            assertThat(server.getName()).isEqualTo("peregrine");

            ModelMetadataResponse meta = grpc.call("ModelMetadata",
                    ModelMetadataRequest.newBuilder().setName("shapes").build(),
                    ModelMetadataResponse.getDefaultInstance()).answer();
            assertThat(meta.getName()).isEqualTo("shapes");
            assertThat(meta.getVersionsList()).containsExactly("1");
            assertThat(meta.getInputs(0).getName()).isEqualTo("images");
            assertThat(meta.getInputs(0).getDatatype()).isEqualTo("FP32");
            assertThat(meta.getInputs(0).getShapeList()).containsExactly(-1L, 3L, 4L, 4L);
            assertThat(meta.getOutputs(0).getName()).isEqualTo("output0");
            assertThat(meta.getOutputs(0).getShapeList()).containsExactly(-1L, 2L, 3L);

            RepositoryIndexResponse index = grpc.call("RepositoryIndex", RepositoryIndexRequest.newBuilder()
                    .setReady(true).build(), RepositoryIndexResponse.getDefaultInstance()).answer();
            assertThat(index.getModelsList()).singleElement().satisfies(m -> {
                assertThat(m.getName()).isEqualTo("shapes");
                assertThat(m.getVersion()).isEqualTo("1");
                assertThat(m.getState()).isEqualTo("READY");
            });
            GrpcCalls.Result<RepositoryModelLoadResponse> load = grpc.call("RepositoryModelLoad",
                    RepositoryModelLoadRequest.newBuilder().setModelName("shapes").build(),
                    RepositoryModelLoadResponse.getDefaultInstance());
            assertThat(load.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
            assertThat(load.message()).contains("explicit model control is not available");

            GrpcCalls.Result<ModelReadyResponse> unknown = grpc.call("ModelReady",
                    ModelReadyRequest.newBuilder().setName("nope").build(), ModelReadyResponse.getDefaultInstance());
            assertThat(unknown.status()).isEqualTo(GrpcStatus.NOT_FOUND);
            assertThat(unknown.message()).contains("unknown model 'nope'");
        }
    }

    @Test
    void inferWithRawAndTypedInputReturnsTheRawOutput(Vertx vertx) throws Exception {
        try (TestServer s = start(vertx, HttpServerConfig.defaults(0));
             GrpcCalls grpc = new GrpcCalls(vertx, s.server.grpcPort())) {
            float[] values = input(3);
            float[] expected = FakeTensorModel.expected(FloatBuffer.wrap(values), 3);

            GrpcCalls.Result<ModelInferResponse> raw = grpc.call("ModelInfer", ModelInferRequest.newBuilder()
                    .setModelName("shapes").setId("req-7").addInputs(tensor("images", "FP32", 3, 3, 4, 4))
                    .addRawInputContents(raw(values)).build(), ModelInferResponse.getDefaultInstance());
            assertThat(raw.status()).as(raw.message()).isEqualTo(GrpcStatus.OK);
            ModelInferResponse r = raw.answer();
            assertThat(r.getModelName()).isEqualTo("shapes");
            assertThat(r.getId()).isEqualTo("req-7");
            assertThat(r.getOutputs(0).getName()).isEqualTo("output0");
            assertThat(r.getOutputs(0).getDatatype()).isEqualTo("FP32");
            assertThat(r.getOutputs(0).getShapeList()).containsExactly(3L, 2L, 3L);
            assertThat(rawOutput(r)).containsExactly(expected);

            InferTensorContents.Builder typed = InferTensorContents.newBuilder();
            for (float v : values) {
                typed.addFp32Contents(v);
            }
            GrpcCalls.Result<ModelInferResponse> contents = grpc.call("ModelInfer", ModelInferRequest.newBuilder()
                    .setModelName("shapes").addInputs(tensor("images", "FP32", 3, 3, 4, 4).setContents(typed))
                    .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("output0"))
                    .build(), ModelInferResponse.getDefaultInstance());
            assertThat(contents.status()).as(contents.message()).isEqualTo(GrpcStatus.OK);
            assertThat(rawOutput(contents.answer())).containsExactly(expected);
            Poll.until("the requests are recorded", () -> s.metrics.scrape()
                    .contains("peregrine_requests_total{model=\"shapes\",status=\"200\"} 2.0"));
        }
    }

    @Test
    void badCallsGetTheStatusAndMessageOfTheRestRoute(Vertx vertx) throws Exception {
        try (TestServer s = start(vertx, HttpServerConfig.defaults(0));
             GrpcCalls grpc = new GrpcCalls(vertx, s.server.grpcPort())) {
            ByteString oneImage = raw(input(1));
            Map<String, ModelInferRequest> bad = Map.of(
                    "datatype FP32", ModelInferRequest.newBuilder().setModelName("shapes")
                            .addInputs(tensor("images", "INT8", 1, 3, 4, 4)).addRawInputContents(oneImage).build(),
                    "shape [1, 3, 5, 4]", ModelInferRequest.newBuilder().setModelName("shapes")
                            .addInputs(tensor("images", "FP32", 1, 3, 5, 4)).addRawInputContents(oneImage).build(),
                    "unknown input 'x'", ModelInferRequest.newBuilder().setModelName("shapes")
                            .addInputs(tensor("x", "FP32", 1, 3, 4, 4)).addRawInputContents(oneImage).build(),
                    "bytes of raw contents", ModelInferRequest.newBuilder().setModelName("shapes")
                            .addInputs(tensor("images", "FP32", 2, 3, 4, 4)).addRawInputContents(oneImage).build(),
                    "fp32_contents values", ModelInferRequest.newBuilder().setModelName("shapes")
                            .addInputs(tensor("images", "FP32", 1, 3, 4, 4)).build(),
                    "unknown output 'output9'", ModelInferRequest.newBuilder().setModelName("shapes")
                            .addInputs(tensor("images", "FP32", 1, 3, 4, 4)).addRawInputContents(oneImage)
                            .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("output9"))
                            .build(),
                    "exactly one tensor", ModelInferRequest.newBuilder().setModelName("shapes").build());
            for (Map.Entry<String, ModelInferRequest> e : bad.entrySet()) {
                GrpcCalls.Result<ModelInferResponse> r = grpc.call("ModelInfer", e.getValue(),
                        ModelInferResponse.getDefaultInstance());
                assertThat(r.status()).as(e.getKey()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
                assertThat(r.message()).contains(e.getKey());
            }
            for (String method : new String[] {"ModelInfer", "ModelMetadata"}) {
                GrpcCalls.Result<ModelInferResponse> empty = grpc.callWithoutMessage(method,
                        ModelInferResponse.getDefaultInstance());
                assertThat(empty.status()).as(method).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
                assertThat(empty.message()).contains("no request message");
            }
            GrpcCalls.Result<ModelInferResponse> unknown = grpc.call("ModelInfer", ModelInferRequest.newBuilder()
                    .setModelName("nope").build(), ModelInferResponse.getDefaultInstance());
            assertThat(unknown.status()).isEqualTo(GrpcStatus.NOT_FOUND);
            GrpcCalls.Result<ModelInferResponse> timeout = grpc.call("ModelInfer", ModelInferRequest.newBuilder()
                    .setModelName("shapes").addInputs(tensor("images", "FP32", 1, 3, 4, 4))
                    .addRawInputContents(oneImage).build(), ModelInferResponse.getDefaultInstance(),
                    Map.of("grpc-timeout", "soon"));
            assertThat(timeout.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
            assertThat(timeout.message()).contains("grpc-timeout");
            for (String method : new String[] {"ModelInfer", "ModelMetadata"}) {
                GrpcCalls.Result<?> garbage = grpc.callWithBytes(method, new byte[] {(byte) 0xFF, 0x13, 0x37, 0x00});
                assertThat(garbage.status()).as(method).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
                assertThat(garbage.message()).contains("the " + method + " request is not a valid protobuf message");
            }
            assertThat(s.server.admission().inFlight()).as("nothing held by the refused calls").isZero();
            Poll.until("the refused calls' messages are back in the pool", () -> PooledBody.liveBuffers() == 0 && TensorBytes.live() == 0);
            // The server still answers after all of that.
            assertThat(grpc.call("ModelInfer", ModelInferRequest.newBuilder().setModelName("shapes")
                    .addInputs(tensor("images", "FP32", 1, 3, 4, 4)).addRawInputContents(oneImage).build(),
                    ModelInferResponse.getDefaultInstance()).status()).isEqualTo(GrpcStatus.OK);
        }
    }

    @Test
    void theApiKeyGuardsGrpcAsItGuardsRest(Vertx vertx) throws Exception {
        try (TestServer s = start(vertx, HttpServerConfig.defaults(0).withApiKey("s3cret-key"));
             GrpcCalls grpc = new GrpcCalls(vertx, s.server.grpcPort())) {
            ModelMetadataRequest req = ModelMetadataRequest.newBuilder().setName("shapes").build();
            GrpcCalls.Result<ModelMetadataResponse> none = grpc.call("ModelMetadata", req,
                    ModelMetadataResponse.getDefaultInstance());
            assertThat(none.status()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
            assertThat(none.message()).contains("API key");
            assertThat(grpc.call("ModelMetadata", req, ModelMetadataResponse.getDefaultInstance(),
                    Map.of("authorization", "Bearer s3cret-kez")).status()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
            assertThat(grpc.call("ModelMetadata", req, ModelMetadataResponse.getDefaultInstance(),
                    Map.of("authorization", "Bearer s3cret-key")).answer().getName()).isEqualTo("shapes");
            assertThat(grpc.call("ModelInfer", ModelInferRequest.newBuilder().setModelName("shapes")
                    .addInputs(tensor("images", "FP32", 1, 3, 4, 4)).addRawInputContents(raw(input(1))).build(),
                    ModelInferResponse.getDefaultInstance(), Map.of("x-api-key", "s3cret-key")).status())
                    .isEqualTo(GrpcStatus.OK);
        }
    }

    /**
     * A call holds its message's size against {@code --queue-mb} until it is answered: with room for one, a second
     * call while the first runs is UNAVAILABLE, and gets in once it is done.
     */
    @Test
    void callsInFlightAreBoundedByTheAdmissionBudget(Vertx vertx) throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        TensorModel slow = FakeTensorModel.gated(release);
        // A one-image message is about 250 bytes: the budget holds one of them.
        HttpServerConfig config = HttpServerConfig.defaults(0).withAdmissionBytes(300).withGrpcPort(0);
        try (TestServer s = TestServer.start(vertx, config, new FakeDetector(0),
                TestServer.policy(8, 64, Duration.ofSeconds(10)), m -> Optional.of(slow));
             GrpcCalls grpc = new GrpcCalls(vertx, s.server.grpcPort())) {
            ModelInferRequest one = ModelInferRequest.newBuilder().setModelName("shapes")
                    .addInputs(tensor("images", "FP32", 1, 3, 4, 4)).addRawInputContents(raw(input(1))).build();
            CompletableFuture<GrpcCalls.Result<ModelInferResponse>> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return grpc.call("ModelInfer", one, ModelInferResponse.getDefaultInstance());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Poll.until("the first call holds its reservation", () -> s.server.admission().inFlight() == 1);
            GrpcCalls.Result<ModelInferResponse> second = grpc.call("ModelInfer", one,
                    ModelInferResponse.getDefaultInstance());
            assertThat(second.status()).isEqualTo(GrpcStatus.UNAVAILABLE);
            assertThat(second.message()).contains("--queue-mb");
            release.complete(null);
            assertThat(first.get(60, TimeUnit.SECONDS).status()).isEqualTo(GrpcStatus.OK);
            Poll.until("the reservation is released", () -> s.server.admission().reservedBytes() == 0);
            assertThat(grpc.call("ModelInfer", one, ModelInferResponse.getDefaultInstance()).status())
                    .isEqualTo(GrpcStatus.OK);
        }
    }

    @Test
    void aMessageOverTheBodyLimitIsRefused(Vertx vertx) throws Exception {
        try (TestServer s = start(vertx, HttpServerConfig.defaults(0).withBodyLimit(1000));
             GrpcCalls grpc = new GrpcCalls(vertx, s.server.grpcPort())) {
            GrpcCalls.Result<?> big = grpc.callWithBytes("ModelInfer", new byte[5000]);
            assertThat(big.status()).isEqualTo(GrpcStatus.RESOURCE_EXHAUSTED);
            // the small calls Vert.x collects on the heap have their own small limit, whatever the body limit
            GrpcCalls.Result<?> bigMetadata = grpc.callWithBytes("ModelMetadata",
                    new byte[V2Handler.SMALL_REQUEST_LIMIT + 1]);
            assertThat(bigMetadata.status()).isEqualTo(GrpcStatus.RESOURCE_EXHAUSTED);
            assertThat(s.server.admission().inFlight()).isZero();
            assertThat(grpc.call("ModelInfer", ModelInferRequest.newBuilder().setModelName("shapes")
                    .addInputs(tensor("images", "FP32", 1, 3, 4, 4)).addRawInputContents(raw(input(1))).build(),
                    ModelInferResponse.getDefaultInstance()).status()).isEqualTo(GrpcStatus.OK);
        }
    }

    /** A ModelInfer stream sent as raw HTTP/2 (h2c): the grpc-status and grpc-message the server answered. */
    private record RawAnswer(int httpStatus, String grpcStatus, String grpcMessage) {
    }

    private static RawAnswer rawCall(Vertx vertx, int port, Buffer body, Map<String, String> headers)
            throws Exception {
        HttpClient h2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
        try {
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                    .setPort(port).setURI(GrpcInferCall.PATH).putHeader("content-type", "application/grpc")
                    .putHeader("te", "trailers");
            headers.forEach(options::putHeader);
            return h2.request(options).compose(req -> req.send(body)).compose(resp -> resp.body().map(b -> {
                String status = resp.getHeader("grpc-status") != null ? resp.getHeader("grpc-status")
                        : resp.getTrailer("grpc-status");
                String message = resp.getHeader("grpc-message") != null ? resp.getHeader("grpc-message")
                        : resp.getTrailer("grpc-message");
                return new RawAnswer(resp.statusCode(), status, message);
            })).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } finally {
            h2.close();
        }
    }

    private static Buffer frame(int flag, int declaredLength, byte[] payload) {
        return Buffer.buffer().appendByte((byte) flag).appendInt(declaredLength).appendBytes(payload);
    }

    /**
     * ModelInfer streams are read by Peregrine ({@link GrpcInferCall}): what is not one uncompressed message gets
     * the status that says so, percent-encoded where needed, and every message's native memory goes back to the
     * pool whatever the outcome.
     */
    @Test
    void malformedStreamsAreRefusedAndTheirMemoryReturned(Vertx vertx) throws Exception {
        try (TestServer s = start(vertx, HttpServerConfig.defaults(0))) {
            int port = s.server.grpcPort();
            byte[] message = ModelInferRequest.newBuilder().setModelName("shapes")
                    .addInputs(tensor("images", "FP32", 1, 3, 4, 4)).addRawInputContents(raw(input(1))).build()
                    .toByteArray();
            RawAnswer ok = rawCall(vertx, port, frame(0, message.length, message), Map.of());
            assertThat(ok.httpStatus()).isEqualTo(200);
            assertThat(ok.grpcStatus()).isEqualTo("0");

            RawAnswer compressed = rawCall(vertx, port, frame(1, message.length, message),
                    Map.of("grpc-encoding", "gzip"));
            assertThat(compressed.grpcStatus()).isEqualTo(Integer.toString(GrpcStatus.UNIMPLEMENTED.code));
            assertThat(compressed.grpcMessage()).isEqualTo("compressed messages are not supported (grpc-encoding "
                    + "gzip); send them uncompressed");

            RawAnswer truncated = rawCall(vertx, port, frame(0, message.length + 10, message), Map.of());
            assertThat(truncated.grpcStatus()).isEqualTo(Integer.toString(GrpcStatus.INVALID_ARGUMENT.code));
            assertThat(truncated.grpcMessage()).contains("ended inside its message");

            RawAnswer two = rawCall(vertx, port, frame(0, message.length, message)
                    .appendBuffer(frame(0, message.length, message)), Map.of());
            assertThat(two.grpcStatus()).isEqualTo(Integer.toString(GrpcStatus.INVALID_ARGUMENT.code));
            assertThat(two.grpcMessage()).contains("carries one request message");

            RawAnswer header = rawCall(vertx, port, Buffer.buffer(new byte[] {0, 0}), Map.of());
            assertThat(header.grpcMessage()).contains("inside a message header");

            // a model name that needs escaping comes back percent-encoded, as grpc-message requires
            byte[] unknown = ModelInferRequest.newBuilder().setModelName("n\u00e9e%").build().toByteArray();
            RawAnswer escaped = rawCall(vertx, port, frame(0, unknown.length, unknown), Map.of());
            assertThat(escaped.grpcStatus()).isEqualTo(Integer.toString(GrpcStatus.INVALID_ARGUMENT.code));
            assertThat(escaped.grpcMessage()).contains("n%C3%A9e%25");

            assertThat(s.server.admission().inFlight()).isZero();
            Poll.until("every message is back in the pool", () -> PooledBody.liveBuffers() == 0 && TensorBytes.live() == 0);
        }
    }

    /** A call its client resets while the model runs it gives back its admission and its message's memory. */
    @Test
    void aCallResetByItsClientGivesItsReservationAndMemoryBack(Vertx vertx) throws Exception {
        TensorModel hanging = FakeTensorModel.gated(new CompletableFuture<>());
        try (TestServer s = TestServer.start(vertx, HttpServerConfig.defaults(0).withGrpcPort(0),
                new FakeDetector(0), TestServer.policy(8, 64, Duration.ofSeconds(10)), m -> Optional.of(hanging))) {
            byte[] message = ModelInferRequest.newBuilder().setModelName("shapes")
                    .addInputs(tensor("images", "FP32", 1, 3, 4, 4)).addRawInputContents(raw(input(1))).build()
                    .toByteArray();
            HttpClient h2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                    .setHttp2ClearTextUpgrade(false));
            try {
                HttpClientRequest req = h2.request(new RequestOptions().setMethod(HttpMethod.POST)
                        .setHost("127.0.0.1").setPort(s.server.grpcPort()).setURI(GrpcInferCall.PATH)
                        .putHeader("content-type", "application/grpc")).toCompletionStage().toCompletableFuture()
                        .get(60, TimeUnit.SECONDS);
                req.end(frame(0, message.length, message));
                Poll.until("the call holds its reservation", () -> s.server.admission().inFlight() == 1);
                assertThat(PooledBody.liveBuffers()).isPositive();
                req.reset();
                Poll.until("the reservation is released", () -> s.server.admission().inFlight() == 0);
                Poll.until("the message is back in the pool", () -> PooledBody.liveBuffers() == 0 && TensorBytes.live() == 0);
            } finally {
                h2.close();
            }
        }
    }

    @Test
    void percentEncodingFollowsTheGrpcSpec() {
        assertThat(GrpcInferCall.percentEncoded("plain text: ok")).isEqualTo("plain text: ok");
        assertThat(GrpcInferCall.percentEncoded("50% \u00fcber\nline")).isEqualTo("50%25 %C3%BCber%0Aline");
    }

    @Test
    void statusesFollowTheRestStatuses() {
        assertThat(GrpcInference.status(400)).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        assertThat(GrpcInference.status(401)).isEqualTo(GrpcStatus.UNAUTHENTICATED);
        assertThat(GrpcInference.status(404)).isEqualTo(GrpcStatus.NOT_FOUND);
        assertThat(GrpcInference.status(413)).isEqualTo(GrpcStatus.RESOURCE_EXHAUSTED);
        assertThat(GrpcInference.status(422)).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(GrpcInference.status(503)).isEqualTo(GrpcStatus.UNAVAILABLE);
        assertThat(GrpcInference.status(504)).isEqualTo(GrpcStatus.DEADLINE_EXCEEDED);
        assertThat(GrpcInference.status(500)).isEqualTo(GrpcStatus.INTERNAL);
    }
}
