package dev.peregrine.bench.loadgen;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * The answer to one load request as the load generator counts it.
 *
 * @param outcome the HTTP status ({@code 200}, {@code 503}), the gRPC status name ({@code OK},
 *                {@code UNAVAILABLE}) or a client-side outcome ({@code timeout}, {@code io-error})
 * @param ok      whether the request succeeded (HTTP 200, gRPC OK)
 * @param split   the server's stage times of a successful detect request, or null when it reported none
 */
record Reply(String outcome, boolean ok, StageSplit split) {

    /** An HTTP answer: ok for status 200. */
    static Reply http(int status, StageSplit split) {
        return new Reply(Integer.toString(status), status == 200, status == 200 ? split : null);
    }

    /** A request that got no answer: {@code timeout} or {@code io-error}. */
    static Reply failed(Throwable err) {
        return new Reply(outcome(err), false, null);
    }

    /** The outcome name of a request that got no answer. */
    static String outcome(Throwable err) {
        Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (t instanceof TimeoutException) {
            return "timeout"; // Vert.x's request timeout is a NoStackTraceTimeoutException, a TimeoutException
        }
        return "io-error";
    }

    /**
     * What of a successful request's {@code latencyNanos} was spent outside the detector (HTTP, JSON, queueing,
     * hand-overs), or -1 when the server reported no stage times.
     */
    long outsideDetectorNanos(long latencyNanos) {
        return split == null ? -1 : Math.max(0, latencyNanos - Math.round(split.detectorMs() * 1e6));
    }

    /**
     * The server's own account of a successful detect request ({@code timing_ms} of its first image), when the
     * server reports one.
     *
     * @param preprocessMs decode and letterbox
     * @param inferenceMs  the batch's detector run
     */
    record StageSplit(double preprocessMs, double inferenceMs) {
        /** Time inside the detector: what the bare pipeline would spend on the image. */
        double detectorMs() {
            return preprocessMs + inferenceMs;
        }
    }
}
