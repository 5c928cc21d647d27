package dev.peregrine.server.http;

/**
 * A failure that only exists at the HTTP layer (missing API key, wrong content type), carrying its
 * {@link ApiError}. Library failures use {@link dev.peregrine.engines.PeregrineException} instead.
 */
public final class HttpProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ApiError error;

    private HttpProblem(ApiError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    /** The answer this problem maps to. */
    public ApiError error() {
        return error;
    }

    /** 401: the request lacks a valid API key. */
    public static HttpProblem unauthorized(String message) {
        return new HttpProblem(new ApiError(401, "unauthorized", message));
    }

    /** 415: the body's media type is not one this endpoint accepts. */
    public static HttpProblem unsupportedMediaType(String message) {
        return new HttpProblem(new ApiError(415, "unsupported_media_type", message));
    }
}
