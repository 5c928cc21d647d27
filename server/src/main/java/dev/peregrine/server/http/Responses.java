package dev.peregrine.server.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Writes JSON, binary and error answers with the right headers. */
public final class Responses {
    /** JSON media type used by every JSON answer. */
    public static final String JSON = "application/json";

    private Responses() {
    }

    /** Sends {@code body} as JSON with {@code status}. */
    public static Future<Void> json(HttpServerResponse response, int status, JsonObject body) {
        return send(response, status, JSON, body.toBuffer());
    }

    /** Sends {@code body} with {@code status} and {@code contentType}. No-op when the response already ended. */
    public static Future<Void> send(HttpServerResponse response, int status, String contentType, Buffer body) {
        if (response.ended() || response.closed()) {
            return Future.succeededFuture();
        }
        return response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, contentType).end(body);
    }

    /**
     * Sends a body made of {@code parts} (e.g. a heap JSON header, then native tensor bytes) with its total length,
     * one write per part: Netty's native transport writes a buffer that mixes heap and native memory wrongly, so
     * the parts are never composed into one. No-op when the response already ended.
     *
     * @return completes when the last part is written, or failed
     */
    public static Future<Void> send(HttpServerResponse response, int status, String contentType, List<Buffer> parts) {
        if (response.ended() || response.closed()) {
            return Future.succeededFuture();
        }
        long length = 0;
        for (Buffer b : parts) {
            length += b.length();
        }
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, contentType)
                .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
        for (int i = 0; i < parts.size() - 1; i++) {
            response.write(parts.get(i));
        }
        return response.end(parts.get(parts.size() - 1));
    }

    /** Sends the error answer, with {@code Retry-After} on 503. */
    public static Future<Void> error(HttpServerResponse response, ApiError error) {
        if (error.retryable() && !response.headWritten()) {
            response.putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(ApiError.RETRY_AFTER_SECONDS));
        }
        return json(response, error.status(), error.toJson());
    }
}
