package dev.peregrine.server.http;

import dev.peregrine.engines.PeregrineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;

/**
 * Reads the images of a detect request into pooled native memory ({@link PooledBodies}), within the body limit, and
 * hands them to the next handler: a raw body with {@code Content-Type: image/*} (one image), or
 * {@code multipart/form-data} whose file parts named {@code image} are the images, in order. Anything else is 415;
 * a body over the limit is 413.
 */
final class ImageBodies implements Handler<RoutingContext> {
    /** Name of the multipart parts that carry images. */
    static final String PART_NAME = "image";

    private final PooledBodies bodies;

    /**
     * @param bodies reads the bodies within the limit
     */
    ImageBodies(PooledBodies bodies) {
        this.bodies = bodies;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String type = mediaType(ctx.request());
        if (type.startsWith("image/")) {
            bodies.collectRaw(ctx);
        } else if (type.equals("multipart/form-data")) {
            bodies.collectMultipart(ctx, PART_NAME);
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
    static List<PooledBody> images(RoutingContext ctx) throws PeregrineException {
        List<PooledBody> parts = PooledBodies.of(ctx);
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

}
