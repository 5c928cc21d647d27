package dev.peregrine.server.http;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.HttpException;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP error answer: status, a stable machine-readable code and a message for people. {@link #of(Throwable)} is
 * the single place where failures become HTTP statuses, so every route answers the same way
 * ({@code {"error": code, "message": text}}).
 *
 * @param status  HTTP status
 * @param error   stable code, e.g. {@code bad_input}, {@code overloaded}, {@code unauthorized}
 * @param message what went wrong, naming the parameter, limit or model involved
 */
public record ApiError(int status, String error, String message) {
    private static final Logger LOG = LoggerFactory.getLogger(ApiError.class);

    /** Seconds a client should wait before retrying a 503 (overload or shutdown). */
    public static final int RETRY_AFTER_SECONDS = 1;

    /**
     * Maps any failure to its answer: {@link PeregrineException} by its {@link ErrorCode}, {@link HttpProblem} by
     * its status, Vert.x web failures by their status; anything else is an internal error (500) whose details go to
     * the log, not to the client.
     */
    public static ApiError of(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof PeregrineException pe) {
            return of(pe.code(), pe.getMessage());
        }
        if (t instanceof HttpProblem p) {
            return p.error();
        }
        if (t instanceof DecodeException) {
            return of(ErrorCode.BAD_INPUT, "request body is not valid JSON: " + firstLine(t.getMessage()));
        }
        if (t instanceof HttpException he) {
            return ofStatus(he.getStatusCode());
        }
        if (t instanceof CancellationException) {
            // Only our own cancellation (client gone, deadline) cancels futures; say so if it ever reaches a client.
            return of(ErrorCode.DEADLINE_EXCEEDED, "request was cancelled before it completed");
        }
        LOG.error("internal error while serving a request", t);
        return new ApiError(500, "internal", "internal server error: " + t.getClass().getSimpleName());
    }

    /**
     * Maps the failure of a routing context: a Vert.x handler that failed with a client-error status and an
     * exception of its own (CORS refusing an origin: 403) keeps its status and message; otherwise
     * {@link #of(Throwable)} decides, or the status alone when there is no exception.
     */
    public static ApiError of(Throwable failure, int status) {
        if (failure == null) {
            return ofStatus(status);
        }
        Throwable t = unwrap(failure);
        boolean ours = t instanceof PeregrineException || t instanceof HttpProblem || t instanceof HttpException;
        if (!ours && status >= 400 && status < 500) {
            ApiError base = ofStatus(status);
            return new ApiError(status, base.error(), t.getMessage() == null ? base.message() : t.getMessage());
        }
        return of(failure);
    }

    /** The answer for an error code. */
    public static ApiError of(ErrorCode code, String message) {
        return new ApiError(code.httpStatus(), code.name().toLowerCase(Locale.ROOT), message);
    }

    /**
     * The answer for a bare status that a Vert.x handler produced without an exception (body limit, unmatched
     * route, wrong method).
     */
    public static ApiError ofStatus(int status) {
        return switch (status) {
            case 400 -> of(ErrorCode.BAD_INPUT, "malformed request");
            case 401 -> HttpProblem.unauthorized("missing or wrong API key").error();
            case 403 -> new ApiError(403, "forbidden", "forbidden");
            case 404 -> of(ErrorCode.NOT_FOUND, "no such endpoint");
            case 405 -> new ApiError(405, "method_not_allowed", "method not allowed on this endpoint");
            case 413 -> of(ErrorCode.TOO_LARGE, "request body exceeds the body limit (--body-limit-mb)");
            case 415 -> HttpProblem.unsupportedMediaType("unsupported content type").error();
            case 503 -> of(ErrorCode.OVERLOADED, "service unavailable");
            case 504 -> of(ErrorCode.DEADLINE_EXCEEDED, "request deadline exceeded");
            default -> new ApiError(status, status >= 500 ? "internal" : "bad_request", "HTTP status " + status);
        };
    }

    /** True when clients should retry later; the response then carries {@code Retry-After}. */
    public boolean retryable() {
        return status == 503;
    }

    /** The JSON body {@code {"error": ..., "message": ...}}. */
    public JsonObject toJson() {
        return new JsonObject().put("error", error).put("message", message);
    }

    private static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof CompletionException || cur instanceof ExecutionException) && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
