package dev.peregrine.server.http;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.server.grpc.v2.ModelInferResponse;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.grpc.common.GrpcStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code ModelInfer} call, read off its HTTP/2 stream by Peregrine instead of Vert.x's gRPC message layer.
 * Vert.x collects a message in a heap buffer that grows as the 16 KB DATA frames arrive, so a tensor of megabytes
 * costs several heap copies per call, the last ones humongous objects for G1 (seen in a JFR profile under load,
 * {@code docs/benchmarks/server.md}). Here the message is collected in pooled native memory ({@link PooledBody})
 * and parsed where it lies, so the input tensor the batch reads is a view of that memory, as on the REST route.
 *
 * <p>What a unary call is on the wire (gRPC over HTTP/2): a POST to {@code /package.Service/Method} with
 * {@code content-type: application/grpc}; the body is one message framed as a compression flag byte, a 4-byte
 * big-endian length and the protobuf bytes; the answer is status 200, the framed response message and the trailers
 * {@code grpc-status} (0 = OK) and {@code grpc-message} (percent-encoded), or, for an error, those in the headers
 * alone ("trailers-only"). Compressed messages are refused with UNIMPLEMENTED (the answers advertise
 * {@code grpc-accept-encoding: identity}, so conforming clients do not compress).
 *
 * <p>Event loop only. The call owns one reference to its body, released when it is answered or the stream ends
 * without an answer; holders beyond that (the images of a batch) {@link PooledBody#retain()} their own.
 */
final class GrpcInferCall {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcInferCall.class);
    /** The method this class serves. */
    static final String PATH = "/inference.GRPCInferenceService/ModelInfer";
    /** Compression flag and length before each message. */
    static final int FRAME_HEADER_BYTES = 5;
    /** {@code ModelInferResponse.raw_output_contents}. */
    static final int RAW_OUTPUT_FIELD = ModelInferResponse.RAW_OUTPUT_CONTENTS_FIELD_NUMBER;
    /** First allocation when the stream declares no length; the buffer grows in the pool. */
    private static final int UNKNOWN_LENGTH_START = 64 * 1024;

    private final HttpServerRequest request;
    private final long maxMessageBytes;
    private PooledBody body;
    private long received;
    /** Answered or reset: set once, when the call's body reference is given back. */
    private boolean answered;
    private Runnable onReset = () -> { };

    /**
     * @param request         the call's HTTP/2 request, paused or not yet read
     * @param maxMessageBytes largest request message (the server's body limit); more is RESOURCE_EXHAUSTED
     */
    GrpcInferCall(HttpServerRequest request, long maxMessageBytes) {
        this.request = request;
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Whether {@code request} is a gRPC ModelInfer call this class reads (other gRPC calls go to Vert.x's server). */
    static boolean accepts(HttpServerRequest request) {
        String type = request.getHeader("content-type");
        return request.version() == HttpVersion.HTTP_2 && request.method() == HttpMethod.POST
                && PATH.equals(request.path()) && type != null && isGrpc(type.toLowerCase(Locale.ROOT));
    }

    private static boolean isGrpc(String type) {
        return type.equals("application/grpc") || type.startsWith("application/grpc+proto")
                || type.startsWith("application/grpc;");
    }

    /** The call's metadata (request headers). */
    MultiMap headers() {
        return request.headers();
    }

    /** Runs {@code action} when the client resets the stream or the connection closes before the answer. */
    void onReset(Runnable action) {
        this.onReset = action;
    }

    /**
     * Reads the request message into pooled native memory and hands a direct view of the protobuf bytes to
     * {@code onMessage} (valid while a reference to {@link #body()} is held; the call's own is held until it is
     * answered). A stream that is not one uncompressed message within the limit is answered here with the status
     * that says why, and {@code onMessage} is not called.
     */
    void read(Consumer<ByteBuffer> onMessage) {
        long length = PooledBody.declaredLength(request);
        long limit = maxMessageBytes + FRAME_HEADER_BYTES;
        if (length > limit) {
            fail(GrpcStatus.RESOURCE_EXHAUSTED, tooLarge(length - FRAME_HEADER_BYTES));
            return;
        }
        try {
            int max = (int) Math.min(limit, Integer.MAX_VALUE - 8);
            int initial = (int) Math.min(length > 0 ? length : UNKNOWN_LENGTH_START, max);
            body = PooledBody.allocate(PooledByteBufAllocator.DEFAULT, initial, max);
        } catch (PeregrineException e) { // out of direct memory
            fail(GrpcStatus.UNAVAILABLE, e.getMessage());
            return;
        }
        request.handler(chunk -> {
            if (answered) {
                return; // refused already: the rest of the stream is dropped
            }
            received += chunk.length();
            if (received > limit) {
                fail(GrpcStatus.RESOURCE_EXHAUSTED, tooLarge(received - FRAME_HEADER_BYTES));
            } else {
                body.append(chunk);
            }
        });
        request.exceptionHandler(e -> reset()); // a reset stream or a lost connection
        request.response().exceptionHandler(e -> reset());
        request.endHandler(v -> {
            if (!answered) {
                message().ifPresent(onMessage);
            }
        });
        request.resume();
    }

    /** The request message's body; its memory stays valid while a reference is held. */
    PooledBody body() {
        return body;
    }

    /** The protobuf bytes of the one message, or empty after answering why the stream does not hold one. */
    private Optional<ByteBuffer> message() {
        ByteBuffer all = body.bytes();
        if (all.remaining() == 0) {
            fail(GrpcStatus.INVALID_ARGUMENT, "the call carried no request message");
            return Optional.empty();
        }
        if (all.remaining() < FRAME_HEADER_BYTES) {
            fail(GrpcStatus.INVALID_ARGUMENT, "the request stream ended inside a message header ("
                    + all.remaining() + " bytes)");
            return Optional.empty();
        }
        int flag = all.get(0);
        long declared = all.getInt(1) & 0xFFFFFFFFL;
        if (flag != 0) {
            String encoding = request.getHeader("grpc-encoding");
            fail(GrpcStatus.UNIMPLEMENTED, "compressed messages are not supported (grpc-encoding "
                    + (encoding == null ? "not set" : ModelNames.abbreviate(encoding)) + "); send them uncompressed");
            return Optional.empty();
        }
        long actual = all.remaining() - FRAME_HEADER_BYTES;
        if (declared != actual) {
            fail(GrpcStatus.INVALID_ARGUMENT, declared > actual
                    ? "the request stream ended inside its message (" + actual + " of " + declared + " bytes)"
                    : "a ModelInfer call carries one request message; the stream holds more bytes");
            return Optional.empty();
        }
        return Optional.of(all.position(FRAME_HEADER_BYTES).slice());
    }

    /**
     * Answers OK with {@code head} followed by {@code raw} as its one {@code raw_output_contents} entry (field 6,
     * the last of the message, so appending it is the protobuf encoding of the whole response): the small head is
     * serialized on the heap, the output bytes are written from their native memory. Gives {@code raw}'s reference
     * back once written, or at once when the call was answered or reset before.
     */
    void answer(ModelInferResponse head, TensorBytes raw) {
        if (!begin()) {
            raw.release();
            return;
        }
        int headSize = head.getSerializedSize();
        int rawSize = raw.byteCount();
        int fieldHeader = CodedOutputStream.computeTagSize(RAW_OUTPUT_FIELD)
                + CodedOutputStream.computeUInt32SizeNoTag(rawSize);
        long messageSize = (long) headSize + fieldHeader + rawSize;
        byte[] prefix = new byte[FRAME_HEADER_BYTES + headSize + fieldHeader];
        ByteBuffer.wrap(prefix).put((byte) 0).putInt((int) messageSize);
        try {
            CodedOutputStream out = CodedOutputStream.newInstance(prefix, FRAME_HEADER_BYTES, headSize + fieldHeader);
            head.writeTo(out);
            out.writeTag(RAW_OUTPUT_FIELD, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(rawSize);
            out.checkNoSpaceLeft();
        } catch (IOException e) { // a byte array of the exact size cannot fail; say so if it ever does
            raw.release();
            throw new IllegalStateException("cannot serialize the ModelInfer response", e);
        }
        HttpServerResponse r = headers(request.response());
        r.putTrailer("grpc-status", "0");
        // Two writes, never one composed buffer: the prefix is on the heap, the output in native memory.
        boolean written = write(() -> {
            r.write(Buffer.buffer(prefix));
            r.end(BufferInternal.buffer(raw.asByteBuf())).onComplete(ar -> raw.release());
        });
        if (!written) {
            raw.release();
        }
    }

    /**
     * Answers {@code status} with {@code message} (trailers-only); nothing when the call was answered or reset.
     */
    void fail(GrpcStatus status, String message) {
        if (!begin()) {
            return;
        }
        HttpServerResponse r = headers(request.response());
        r.putHeader("grpc-status", Integer.toString(status.code));
        r.putHeader("grpc-message", percentEncoded(message));
        write(r::end);
    }

    /** Marks the call answered and gives its body reference back; false when it already was. */
    private boolean begin() {
        if (answered) {
            return false;
        }
        answered = true;
        release();
        return true;
    }

    private void reset() {
        if (!answered) {
            answered = true;
            release();
            onReset.run();
        }
    }

    /** Gives the call's body reference back; called once, by whichever of begin and reset comes first. */
    private void release() {
        if (body != null) {
            body.release();
        }
    }

    private static HttpServerResponse headers(HttpServerResponse r) {
        return r.setStatusCode(200).putHeader("content-type", "application/grpc")
                .putHeader("grpc-accept-encoding", "identity");
    }

    /** Writes unless the stream closed meanwhile (a client may reset it at any time); false when it had. */
    private static boolean write(Runnable write) {
        try {
            write.run();
            return true;
        } catch (IllegalStateException closed) {
            LOG.debug("gRPC call already closed: {}", closed.getMessage());
            return false;
        }
    }

    private String tooLarge(long bytes) {
        return "request message of " + bytes + " bytes exceeds the limit of " + maxMessageBytes
                + " bytes (--body-limit-mb)";
    }

    /**
     * {@code grpc-message}'s encoding: UTF-8, with bytes outside printable ASCII and {@code %} written as
     * {@code %XX}.
     */
    static String percentEncoded(String message) {
        StringBuilder sb = new StringBuilder(message.length());
        for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 0x20 && c <= 0x7E && c != '%') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return sb.toString();
    }
}
