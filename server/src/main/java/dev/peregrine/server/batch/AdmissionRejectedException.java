package dev.peregrine.server.batch;

import dev.peregrine.engines.PeregrineException;

/**
 * The failure of a future that {@link DynamicBatcher#submit} refused. Its presence is the ownership signal: a
 * future failed with this exception never entered the queue, so the caller still owns (and must release) the
 * item. Failures of accepted requests (shutdown, deadline, engine) use a plain {@link PeregrineException}.
 */
public final class AdmissionRejectedException extends PeregrineException {
    private static final long serialVersionUID = 1L;
    private final RejectReason reason;

    /** A refusal for {@code reason} with a message naming the batcher and the limit. */
    public AdmissionRejectedException(RejectReason reason, String message) {
        super(reason.code(), message);
        this.reason = reason;
    }

    /** Why the request was refused. */
    public RejectReason reason() {
        return reason;
    }

    /** True when {@code t} (or the cause of a {@code CompletionException}) is a refusal. */
    public static boolean isRefusal(Throwable t) {
        Throwable c = t;
        while (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        return c instanceof AdmissionRejectedException;
    }
}
