package dev.peregrine.server.http;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads request bodies into pooled native memory ({@link PooledBody}) within the body limit, then calls the next
 * handler: a raw body whole, or the file parts of a {@code multipart/form-data} body that carry a given name. A body
 * over the limit is 413, from the declared length before reading or as soon as the limit is crossed; 503 when the
 * pool has no direct memory left.
 *
 * <p>This replaces Vert.x's {@link io.vertx.ext.web.handler.BodyHandler} on the routes that carry images and
 * tensors, which would keep each body on the heap (a large allocation per request) and write multipart uploads to
 * disk. The request owns its bodies: they are released when its exchange ends ({@link RoutingContext#addEndHandler}),
 * or at once when reading fails; whoever uses one beyond that (a worker, an inference) takes its own reference.
 */
final class PooledBodies {
    private static final String BODIES_KEY = "peregrine.bodies";
    /** First allocation for a part or a body of unknown length; buffers grow (in the pool) as chunks arrive. */
    private static final int UNKNOWN_LENGTH_START = 64 * 1024;

    private final long bodyLimit;
    private final String limitSource;
    private final ByteBufAllocator allocator;

    /**
     * @param bodyLimit   largest body in bytes
     * @param limitSource what sets the limit, for the 413 message (e.g. {@code --body-limit-mb})
     * @param allocator   where the memory comes from (Netty's shared pool in the server)
     */
    PooledBodies(long bodyLimit, String limitSource, ByteBufAllocator allocator) {
        this.bodyLimit = bodyLimit;
        this.limitSource = limitSource;
        this.allocator = allocator;
    }

    /** Bodies limited to {@code bodyLimit} bytes ({@code --body-limit-mb}) from Netty's shared pool. */
    PooledBodies(long bodyLimit) {
        this(bodyLimit, "--body-limit-mb", PooledByteBufAllocator.DEFAULT);
    }

    /**
     * What {@link #collectRaw} or {@link #collectMultipart} read for this request: the raw body (one element, or
     * null when the request had no body), or the multipart file parts in order (possibly none).
     */
    static List<PooledBody> of(RoutingContext ctx) {
        return ctx.get(BODIES_KEY);
    }

    /** Reads the whole body, then calls the next handler. */
    void collectRaw(RoutingContext ctx) {
        collect(ctx, null);
    }

    /** Reads the file parts named {@code partName} (another file part is 400), then calls the next handler. */
    void collectMultipart(RoutingContext ctx, String partName) {
        collect(ctx, partName);
    }

    /** Reads the body (multipart when {@code partName} is given, else raw) into pooled buffers. */
    private void collect(RoutingContext ctx, String partName) {
        boolean multipart = partName != null;
        HttpServerRequest request = ctx.request();
        long length = PooledBody.declaredLength(request);
        if (length > bodyLimit) {
            ctx.fail(new PeregrineException(ErrorCode.TOO_LARGE, tooLarge(length)));
            return;
        }
        BodyState state = new BodyState(ctx);
        if (request.isEnded()) { // nothing more will arrive (an empty body)
            state.finish(multipart);
            return;
        }
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))
                && request.version() == HttpVersion.HTTP_1_1) {
            // The client waits for this before uploading; a request refused earlier never sends its body.
            ctx.response().writeContinue();
        }
        if (multipart) {
            request.setExpectMultipart(true);
            request.uploadHandler(upload -> {
                if (state.failed) {
                    upload.handler(b -> { });
                    return;
                }
                if (!partName.equals(upload.name())) {
                    state.fail(PeregrineException.badInput("unexpected multipart file part '"
                            + ModelNames.abbreviate(upload.name()) + "': name image parts '" + partName + "'"));
                    upload.handler(b -> { });
                    return;
                }
                PooledBody part = state.allocate(UNKNOWN_LENGTH_START);
                upload.handler(chunk -> {
                    if (!state.failed) { // part is null only when its allocation failed the request
                        part.append(chunk);
                    }
                });
                upload.exceptionHandler(state::fail);
            });
        }
        // The raw handler sees every byte of the body (for multipart the decoder is fed in parallel): it enforces
        // the limit, and for a raw body it collects it (raw is null for multipart, or when its allocation failed
        // the request, after which no chunk gets past the failed check).
        PooledBody raw = multipart ? null
                : state.allocate(length > 0 ? (int) length : UNKNOWN_LENGTH_START);
        request.handler(chunk -> {
            if (state.failed) {
                return;
            }
            state.received += chunk.length();
            if (state.received > bodyLimit) {
                state.fail(new PeregrineException(ErrorCode.TOO_LARGE, tooLarge(-1)));
            } else if (raw != null) {
                raw.append(chunk);
            }
        });
        request.exceptionHandler(state::fail);
        request.endHandler(v -> state.finish(multipart));
        request.resume();
    }

    /** The 413 message, naming the declared length when there is one. */
    private String tooLarge(long declared) {
        return "request body " + (declared < 0 ? "exceeds" : "of " + declared + " bytes exceeds")
                + " the limit of " + bodyLimit + " bytes (" + limitSource + ")";
    }

    /** Progress of one request's body and the buffers it owns. Touched only on the event loop. */
    private final class BodyState {
        private final RoutingContext ctx;
        private final List<PooledBody> bodies = new ArrayList<>();
        long received;
        boolean failed;
        private boolean released;

        BodyState(RoutingContext ctx) {
            this.ctx = ctx;
            // Whatever happens from here on (answered, failed, connection lost), the request's references go.
            ctx.addEndHandler(v -> release());
        }

        /**
         * A new buffer (the raw body or one part) owned by this request, or null when the pool is out of direct memory: the request then
         * fails with 503 and every later chunk is dropped.
         */
        PooledBody allocate(int initialBytes) {
            int max = (int) Math.min(bodyLimit, Integer.MAX_VALUE - 8);
            try {
                PooledBody body = PooledBody.allocate(allocator, Math.min(initialBytes, max), max);
                bodies.add(body);
                return body;
            } catch (PeregrineException e) {
                fail(e);
                return null;
            }
        }

        /** The body has arrived: hands the bodies to the next handler. */
        void finish(boolean multipart) {
            if (failed) {
                return;
            }
            if (multipart || !bodies.isEmpty()) { // a raw body without a buffer is an empty body
                ctx.put(BODIES_KEY, List.copyOf(bodies));
            }
            ctx.next();
        }

        void fail(Throwable cause) {
            if (!failed) {
                failed = true;
                release(); // give the memory back now rather than when the error response has gone out
                ctx.fail(cause);
            }
        }

        private void release() {
            if (!released) {
                released = true;
                bodies.forEach(PooledBody::release);
            }
        }
    }
}
