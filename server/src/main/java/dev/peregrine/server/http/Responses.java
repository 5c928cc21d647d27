package dev.peregrine.server.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

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

    /** Sends the error answer, with {@code Retry-After} on 503. */
    public static Future<Void> error(HttpServerResponse response, ApiError error) {
        if (error.retryable() && !response.headWritten()) {
            response.putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(ApiError.RETRY_AFTER_SECONDS));
        }
        return json(response, error.status(), error.toJson());
    }
}
