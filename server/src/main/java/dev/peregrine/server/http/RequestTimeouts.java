package dev.peregrine.server.http;

import dev.peregrine.engines.PeregrineException;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;

/**
 * A request's time budget: the server's {@code --timeout-ms}, which a client may only shorten, with
 * {@code ?timeout_ms=N} or the header {@code X-Request-Timeout-Ms: N}. A longer value is clamped to the server's,
 * so a client cannot hold server resources longer than the operator allows.
 */
public final class RequestTimeouts {
    /** Query parameter that shortens the deadline. */
    public static final String QUERY = "timeout_ms";
    /** Header that shortens the deadline. */
    public static final String HEADER = "X-Request-Timeout-Ms";

    private RequestTimeouts() {
    }

    /**
     * The effective timeout of {@code request}.
     *
     * @throws PeregrineException BAD_INPUT for a non-numeric or non-positive value
     */
    public static Duration effective(HttpServerRequest request, Duration serverMax) throws PeregrineException {
        long maxMs = Math.max(1, serverMax.toMillis());
        String q = request.getParam(QUERY);
        String h = request.getHeader(HEADER);
        long ms = maxMs;
        if (q != null) {
            ms = Math.min(ms, QueryValues.parseLong(QueryValues.label(QUERY), q, 1, Long.MAX_VALUE));
        }
        if (h != null) {
            ms = Math.min(ms, QueryValues.parseLong("header '" + HEADER + "'", h, 1, Long.MAX_VALUE));
        }
        return Duration.ofMillis(ms);
    }
}
