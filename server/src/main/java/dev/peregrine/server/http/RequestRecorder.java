package dev.peregrine.server.http;

/**
 * Where finished inference requests are reported (metrics). One call per request, after its answer was written or
 * its client went away.
 */
@FunctionalInterface
public interface RequestRecorder {
    /** Records nothing. */
    RequestRecorder NONE = (endpoint, model, status, nanos) -> { };

    /** Status recorded for a request whose client closed the connection before the answer (nginx's 499). */
    int CLIENT_CLOSED = 499;

    /**
     * @param endpoint route family, e.g. {@code detect} or {@code infer}
     * @param model    model name
     * @param status   HTTP status sent, or {@link #CLIENT_CLOSED}
     * @param nanos    time from the start of the exchange to the answer
     */
    void finished(String endpoint, String model, int status, long nanos);
}
