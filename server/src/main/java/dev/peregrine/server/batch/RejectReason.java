package dev.peregrine.server.batch;

import dev.peregrine.engines.ErrorCode;

import java.util.Locale;

/** Why {@link DynamicBatcher#submit} refused a request. */
public enum RejectReason {
    /** The batcher is shutting down or closed. */
    SHUTTING_DOWN(ErrorCode.OVERLOADED),
    /** The queue holds {@code maxQueueItems} requests. */
    QUEUE_ITEMS(ErrorCode.OVERLOADED),
    /** Admitting the request would exceed {@code maxQueueBytes}. */
    QUEUE_BYTES(ErrorCode.OVERLOADED),
    /** The request alone is larger than {@code maxQueueBytes}; retrying cannot help. */
    ITEM_TOO_LARGE(ErrorCode.TOO_LARGE),
    /** The request's deadline had already passed when it was submitted. */
    DEADLINE_PASSED(ErrorCode.DEADLINE_EXCEEDED),
    /** The model is still loading or failed to load. */
    NOT_READY(ErrorCode.UNAVAILABLE);

    private final ErrorCode code;

    RejectReason(ErrorCode code) {
        this.code = code;
    }

    /** The error code the refusal carries. */
    public ErrorCode code() {
        return code;
    }

    /** Lower-case name for metric labels, e.g. {@code queue_bytes}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
