package dev.peregrine.server.http;

import com.google.protobuf.MessageLite;
import com.google.protobuf.MessageOrBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A test client of {@code inference.GRPCInferenceService} on a Vert.x gRPC client: unary calls that return the
 * status, its message and the answer (null unless OK), so that tests can assert on failures as well.
 */
final class GrpcCalls implements AutoCloseable {
    private static final ServiceName SERVICE = ServiceName.create("inference", "GRPCInferenceService");

    private final GrpcClient client;
    private final SocketAddress address;

    /** The outcome of one call. */
    record Result<R>(GrpcStatus status, String message, R answer) {
    }

    GrpcCalls(Vertx vertx, int port) {
        this.client = GrpcClient.client(vertx);
        this.address = SocketAddress.inetSocketAddress(port, "127.0.0.1");
    }

    /** Calls {@code method} with {@code request} and {@code metadata}, waiting up to 60 s. */
    <Q extends MessageLite, R extends MessageOrBuilder> Result<R> call(String method, Q request, R answerType,
            Map<String, String> metadata) throws Exception {
        ServiceMethod<R, Q> m = ServiceMethod.client(SERVICE, method, GrpcMessageEncoder.encoder(),
                GrpcMessageDecoder.decoder(answerType));
        GrpcClientResponse<Q, R> response = client.request(address, m).compose(req -> {
            metadata.forEach((k, v) -> req.headers().add(k, v));
            req.end(request);
            return req.response();
        }).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        try {
            R answer = response.last().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            return new Result<>(response.status(), response.statusMessage(), answer);
        } catch (ExecutionException failed) {
            return new Result<>(response.status(), response.statusMessage(), null);
        }
    }

    /** Calls {@code method} but ends the stream without sending a request message. */
    <Q extends MessageLite, R extends MessageOrBuilder> Result<R> callWithoutMessage(String method, R answerType)
            throws Exception {
        ServiceMethod<R, Q> m = ServiceMethod.client(SERVICE, method, GrpcMessageEncoder.encoder(),
                GrpcMessageDecoder.decoder(answerType));
        GrpcClientResponse<Q, R> response = client.request(address, m).compose(req -> {
            req.end();
            return req.response();
        }).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        try {
            response.end().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException expected) {
            // a status other than OK fails the end; the status is read below
        }
        return new Result<>(response.status(), response.statusMessage(), null);
    }

    /** Calls {@code method} with {@code bytes} as the request message, whatever they are; returns the status. */
    Result<Buffer> callWithBytes(String method, byte[] bytes) throws Exception {
        ServiceMethod<Buffer, Buffer> m = ServiceMethod.client(SERVICE, method, GrpcMessageEncoder.IDENTITY,
                GrpcMessageDecoder.IDENTITY);
        GrpcClientResponse<Buffer, Buffer> response = client.request(address, m).compose(req -> {
            req.end(Buffer.buffer(bytes));
            return req.response();
        }).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        try {
            return new Result<>(response.status(), response.statusMessage(),
                    response.last().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS));
        } catch (ExecutionException failed) {
            return new Result<>(response.status(), response.statusMessage(), null);
        }
    }

    /** {@link #call(String, MessageLite, MessageOrBuilder, Map)} without metadata. */
    <Q extends MessageLite, R extends MessageOrBuilder> Result<R> call(String method, Q request, R answerType)
            throws Exception {
        return call(method, request, answerType, Map.of());
    }

    @Override
    public void close() {
        client.close();
    }
}
