package dev.peregrine.server.http;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the images of a detect request into memory, within the body limit, and hands them to the next handler:
 * a raw body with {@code Content-Type: image/*} (one image), or {@code multipart/form-data} whose file parts named
 * {@code image} are the images, in order. Anything else is 415; a body over the limit is 413 (from the declared
 * length before reading, or as soon as the limit is crossed).
 *
 * <p>Images are collected into pooled native memory ({@link EncodedImage}), not into heap buffers: Vert.x's
 * {@link io.vertx.ext.web.handler.BodyHandler} would keep the whole body on the heap and its file uploads would
 * write every multipart image to disk. The request owns its images: they are released when its exchange ends
 * ({@link RoutingContext#addEndHandler}), or at once when reading fails; workers take their own references.
 */
final class ImageBodies implements Handler<RoutingContext> {
    /** Name of the multipart parts that carry images. */
    static final String PART_NAME = "image";
    private static final String IMAGES_KEY = "peregrine.images";
    /** First allocation for a part or a body of unknown length; buffers grow (in the pool) as chunks arrive. */
    private static final int UNKNOWN_LENGTH_START = 64 * 1024;

    private final long bodyLimit;
    private final ByteBufAllocator allocator;

    /**
     * @param bodyLimit largest body in bytes
     */
    ImageBodies(long bodyLimit) {
        this(bodyLimit, PooledByteBufAllocator.DEFAULT);
    }

    ImageBodies(long bodyLimit, ByteBufAllocator allocator) {
        this.bodyLimit = bodyLimit;
        this.allocator = allocator;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String type = mediaType(ctx.request());
        if (type.startsWith("image/")) {
            collect(ctx, false);
        } else if (type.equals("multipart/form-data")) {
            collect(ctx, true);
        } else {
            ctx.fail(HttpProblem.unsupportedMediaType("send the image with 'Content-Type: image/jpeg' (or image/png, "
                    + "image/bmp, image/webp), or as multipart/form-data with file parts named '" + PART_NAME
                    + "'; got " + (type.isEmpty() ? "no Content-Type" : "'" + ModelNames.abbreviate(type) + "'")));
        }
    }

    /**
     * The encoded images of the request, in order, owned by the request (retain one to use it beyond the
     * exchange's end).
     *
     * @throws PeregrineException BAD_INPUT when the body or one of the parts is empty
     */
    static List<EncodedImage> images(RoutingContext ctx) throws PeregrineException {
        List<EncodedImage> parts = ctx.get(IMAGES_KEY);
        if (parts == null || parts.isEmpty()) {
            throw PeregrineException.badInput(parts == null ? "request body is empty: send an image"
                    : "multipart body has no file part named '" + PART_NAME + "' (e.g. curl -F " + PART_NAME
                    + "=@photo.jpg)");
        }
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).size() == 0) {
                throw PeregrineException.badInput(parts.size() == 1 ? "request body is empty: send an image"
                        : "image part " + (i + 1) + " of " + parts.size() + " is empty");
            }
        }
        return parts;
    }

    /** The lower-case media type of the request without parameters; empty when absent. */
    static String mediaType(HttpServerRequest request) {
        String ct = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (ct == null) {
            return "";
        }
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /** Reads the body (multipart or raw) into pooled buffers, then calls the next handler with the images. */
    private void collect(RoutingContext ctx, boolean multipart) {
        HttpServerRequest request = ctx.request();
        String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        long length = declared == null ? -1 : parseLength(declared);
        if (length > bodyLimit) {
            ctx.fail(new PeregrineException(ErrorCode.TOO_LARGE, tooLarge(declared)));
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
                if (!PART_NAME.equals(upload.name())) {
                    state.fail(PeregrineException.badInput("unexpected multipart file part '"
                            + ModelNames.abbreviate(upload.name()) + "': name image parts '" + PART_NAME + "'"));
                    upload.handler(b -> { });
                    return;
                }
                EncodedImage part = state.allocate(UNKNOWN_LENGTH_START);
                upload.handler(chunk -> {
                    if (!state.failed) { // also true when part is null: allocation failed the request
                        part.append(chunk);
                    }
                });
                upload.exceptionHandler(state::fail);
            });
        }
        // The raw handler sees every byte of the body (for multipart the decoder is fed in parallel): it enforces
        // the limit, and for a raw body it collects the image (null for multipart, or when allocation failed the
        // request, after which no chunk reaches it).
        EncodedImage raw = multipart ? null
                : state.allocate(length > 0 ? (int) length : UNKNOWN_LENGTH_START);
        request.handler(chunk -> {
            if (state.failed) {
                return;
            }
            state.received += chunk.length();
            if (state.received > bodyLimit) {
                state.fail(new PeregrineException(ErrorCode.TOO_LARGE, tooLarge(null)));
            } else if (raw != null) {
                raw.append(chunk);
            }
        });
        request.exceptionHandler(state::fail);
        request.endHandler(v -> state.finish(multipart));
        request.resume();
    }

    private String tooLarge(String declared) {
        return "request body " + (declared == null ? "exceeds" : "of " + declared + " bytes exceeds")
                + " the limit of " + bodyLimit + " bytes (--body-limit-mb)";
    }

    private static long parseLength(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1; // the HTTP codec rejects malformed lengths; treat as unknown here
        }
    }

    /** Progress of one body and the buffers it owns until they are handed on. Touched only on the event loop. */
    private final class BodyState {
        private final RoutingContext ctx;
        private final List<EncodedImage> images = new ArrayList<>();
        long received;
        boolean failed;
        private boolean released;

        BodyState(RoutingContext ctx) {
            this.ctx = ctx;
            // Whatever happens from here on (answered, failed, connection lost), the request's references go.
            ctx.addEndHandler(v -> release());
        }

        /**
         * A new image buffer owned by this body, or null when the pool is out of direct memory: the request then
         * fails with 503 and every later chunk is dropped.
         */
        EncodedImage allocate(int initialBytes) {
            int max = (int) Math.min(bodyLimit, Integer.MAX_VALUE - 8);
            try {
                EncodedImage image = EncodedImage.allocate(allocator, Math.min(initialBytes, max), max);
                images.add(image);
                return image;
            } catch (OutOfMemoryError e) {
                fail(new PeregrineException(ErrorCode.OVERLOADED, "no memory left for request bodies ("
                        + e.getMessage() + "); retry later"));
                return null;
            }
        }

        /** The body has arrived: hands the images to the next handler. */
        void finish(boolean multipart) {
            if (failed) {
                return;
            }
            if (multipart || !images.isEmpty()) { // a raw body without a buffer is an empty body
                ctx.put(IMAGES_KEY, List.copyOf(images));
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
                images.forEach(EncodedImage::release);
            }
        }
    }
}
