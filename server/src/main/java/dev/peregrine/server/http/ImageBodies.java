package dev.peregrine.server.http;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the images of a detect request into memory, within the body limit, and hands them to the next handler:
 * a raw body with {@code Content-Type: image/*} (one image), or {@code multipart/form-data} whose file parts named
 * {@code image} are the images, in order. Anything else is 415; a body over the limit is 413 (from the declared
 * length before reading, or as soon as the limit is crossed).
 *
 * <p>Multipart parts are streamed into memory with Vert.x's own multipart decoder instead of
 * {@link BodyHandler}'s file uploads, which would write every image to disk and read it back.
 */
final class ImageBodies implements Handler<RoutingContext> {
    /** Name of the multipart parts that carry images. */
    static final String PART_NAME = "image";
    private static final String IMAGES_KEY = "peregrine.images";

    private final long bodyLimit;
    private final BodyHandler rawBody;

    /**
     * @param bodyLimit largest body in bytes
     */
    ImageBodies(long bodyLimit) {
        this.bodyLimit = bodyLimit;
        // Preallocated from Content-Length (Vert.x caps it at 64 KiB): without it the body buffer starts at 1 KiB
        // and is grown and copied as chunks arrive, which profiling showed as the event loop's largest cost.
        this.rawBody = BodyHandler.create(false).setBodyLimit(bodyLimit).setPreallocateBodyBuffer(true);
    }

    @Override
    public void handle(RoutingContext ctx) {
        String type = mediaType(ctx.request());
        if (type.startsWith("image/")) {
            rawBody.handle(ctx);
        } else if (type.equals("multipart/form-data")) {
            collectMultipart(ctx);
        } else {
            ctx.fail(HttpProblem.unsupportedMediaType("send the image with 'Content-Type: image/jpeg' (or image/png, "
                    + "image/bmp, image/webp), or as multipart/form-data with file parts named '" + PART_NAME
                    + "'; got " + (type.isEmpty() ? "no Content-Type" : "'" + ModelNames.abbreviate(type) + "'")));
        }
    }

    /**
     * The encoded images of the request, in order.
     *
     * @throws PeregrineException BAD_INPUT when the body is empty
     */
    static List<byte[]> images(RoutingContext ctx) throws PeregrineException {
        List<byte[]> parts = ctx.get(IMAGES_KEY);
        if (parts == null) {
            Buffer body = ctx.body().buffer();
            parts = body == null ? List.of() : List.of(body.getBytes());
        }
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).length == 0) {
                throw PeregrineException.badInput(parts.size() == 1 ? "request body is empty: send an image"
                        : "image part " + (i + 1) + " of " + parts.size() + " is empty");
            }
        }
        if (parts.isEmpty()) {
            throw PeregrineException.badInput("request body is empty: send an image");
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

    private void collectMultipart(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null && parseLength(declared) > bodyLimit) {
            ctx.fail(new PeregrineException(ErrorCode.TOO_LARGE, tooLarge(declared)));
            return;
        }
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))
                && request.version() == HttpVersion.HTTP_1_1) {
            // The client waits for this before uploading; a request refused earlier never sends its body.
            ctx.response().writeContinue();
        }
        MultipartState state = new MultipartState();
        request.setExpectMultipart(true);
        request.uploadHandler(upload -> {
            if (!PART_NAME.equals(upload.name())) {
                state.fail(ctx, PeregrineException.badInput("unexpected multipart file part '"
                        + ModelNames.abbreviate(upload.name()) + "': name image parts '" + PART_NAME + "'"));
                upload.handler(b -> { });
                return;
            }
            Buffer part = Buffer.buffer();
            state.parts.add(part);
            upload.handler(part::appendBuffer);
            upload.exceptionHandler(e -> state.fail(ctx, e));
        });
        // The raw handler sees every byte of the body (the decoder is fed in parallel): it enforces the limit.
        request.handler(chunk -> {
            state.received += chunk.length();
            if (state.received > bodyLimit) {
                state.fail(ctx, new PeregrineException(ErrorCode.TOO_LARGE, tooLarge(null)));
            }
        });
        request.exceptionHandler(e -> state.fail(ctx, e));
        request.endHandler(v -> {
            if (state.failed) {
                return;
            }
            if (state.parts.isEmpty()) {
                state.fail(ctx, PeregrineException.badInput("multipart body has no file part named '" + PART_NAME
                        + "' (e.g. curl -F " + PART_NAME + "=@photo.jpg)"));
                return;
            }
            List<byte[]> images = new ArrayList<>(state.parts.size());
            for (Buffer b : state.parts) {
                images.add(b.getBytes());
            }
            ctx.put(IMAGES_KEY, images);
            ctx.next();
        });
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

    /** Progress of one multipart body. Touched only on the request's event loop. */
    private static final class MultipartState {
        final List<Buffer> parts = new ArrayList<>();
        long received;
        boolean failed;

        void fail(RoutingContext ctx, Throwable cause) {
            if (!failed) {
                failed = true;
                parts.clear();
                ctx.fail(cause);
            }
        }
    }
}
