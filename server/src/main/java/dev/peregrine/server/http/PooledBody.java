package dev.peregrine.server.http;

import io.netty.buffer.ByteBuf;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One request body, or one multipart part of it (an encoded image, an inference request with binary tensor data),
 * held in pooled native memory (Netty's direct buffer pool) instead of on the Java heap: a multi-megabyte upload
 * would otherwise be a large heap allocation per request (a humongous object for G1), then copied once more into
 * native memory for OpenCV or ONNX Runtime. Readers get a direct view ({@link #bytes()}) and use it in place.
 *
 * <p>Reference counted, because several threads may hold it: the request (released when its exchange ends, whatever
 * the outcome) and a worker or an inference using it (which {@link #retain()}s before it starts and releases when it
 * is done), so a client that disconnects mid-decode cannot free memory under the decoder. The memory goes back to
 * the pool when the last holder releases.
 */
final class PooledBody {
    private static final AtomicLong LIVE_BUFFERS = new AtomicLong();
    private static final AtomicLong LIVE_BYTES = new AtomicLong();

    private final ByteBuf buf;
    /** Capacity counted in {@link #LIVE_BYTES}, as it was when counted (it grows while chunks arrive). */
    private long counted;

    private PooledBody(ByteBuf buf) {
        this.buf = buf;
        LIVE_BUFFERS.incrementAndGet();
        recount();
    }

    /**
     * A new, empty buffer from {@code allocator}.
     *
     * @param initialBytes expected size (e.g. the declared Content-Length), allocated up front
     * @param maxBytes     the body limit: appending beyond it fails
     * @throws PeregrineException OVERLOADED when the allocator has no direct memory left (503, retry)
     */
    static PooledBody allocate(ByteBufAllocator allocator, int initialBytes, int maxBytes)
            throws PeregrineException {
        try {
            return new PooledBody(allocator.directBuffer(initialBytes, maxBytes));
        } catch (OutOfMemoryError e) {
            throw new PeregrineException(ErrorCode.OVERLOADED, "no memory left for request bodies ("
                    + e.getMessage() + "); retry later");
        }
    }

    /** The request's declared {@code Content-Length}, or -1 when it declares none (or a malformed one). */
    static long declaredLength(HttpServerRequest request) {
        String v = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1; // the HTTP codec rejects malformed lengths; treat as unknown here
        }
    }

    /** Appends a received chunk. Event loop only, before the body is handed on. */
    void append(Buffer chunk) {
        buf.writeBytes(((BufferInternal) chunk).getByteBuf());
        recount();
    }

    /** Bytes received. */
    int size() {
        return buf.readableBytes();
    }

    /** A direct view of the bytes (position 0, limit = size); valid while a reference is held. */
    ByteBuffer bytes() {
        return buf.nioBuffer(buf.readerIndex(), buf.readableBytes());
    }

    /** Takes one more reference; a worker does this before it starts on the body. */
    PooledBody retain() {
        buf.retain();
        return this;
    }

    /** Drops one reference; the last one returns the memory to the pool. */
    void release() {
        if (buf.release()) {
            LIVE_BUFFERS.decrementAndGet();
            LIVE_BYTES.addAndGet(-counted);
        }
    }

    private void recount() {
        long capacity = buf.capacity();
        LIVE_BYTES.addAndGet(capacity - counted);
        counted = capacity;
    }

    /** Body buffers not yet returned to the pool, in the whole process (for metrics and leak tests). */
    static long liveBuffers() {
        return LIVE_BUFFERS.get();
    }

    /** Native memory those buffers hold, in bytes (their capacities). */
    static long liveBytes() {
        return LIVE_BYTES.get();
    }
}
