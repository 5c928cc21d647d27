package dev.peregrine.engines;

/**
 * Why a Peregrine operation failed. The server maps each code to one HTTP status; the CLI to a non-zero exit.
 */
public enum ErrorCode {
    /** The caller's input is malformed or out of range (image, option, query value): HTTP 400. */
    BAD_INPUT(400),
    /** A model, file or resource does not exist: HTTP 404. */
    NOT_FOUND(404),
    /** A body, image or queue item exceeds a configured size limit: HTTP 413. */
    TOO_LARGE(413),
    /** The input is well-formed but uses something Peregrine does not support (module, format, operator): HTTP 422. */
    UNSUPPORTED(422),
    /** Admission refused because queues are full or the service is shutting down: HTTP 503 with Retry-After. */
    OVERLOADED(503),
    /** A device, provider or library needed for the request is absent (no GPU, no TensorRT): HTTP 503. */
    UNAVAILABLE(503),
    /** The request's deadline passed before it was answered: HTTP 504. */
    DEADLINE_EXCEEDED(504),
    /** The engine or another internal component failed: HTTP 500. */
    ENGINE_FAILURE(500);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** The HTTP status a server answers this error with. */
    public int httpStatus() {
        return httpStatus;
    }
}
