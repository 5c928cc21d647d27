package dev.peregrine.server.http;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of one inference request after its body arrived: it answers exactly once (result, error or deadline),
 * and when the request ends early (client gone, deadline passed, one image failed) it cancels the work still
 * queued for it, so that a batcher never computes for nobody.
 *
 * <p>Threading: every method runs on the request's event-loop context; results from other threads are hopped
 * there by the caller (Vert.x futures do it). That single writer is why plain fields suffice; only
 * {@link #finished()} is also read from worker threads, which skip work for requests that already ended.
 */
final class Exchange {
    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);
    private final RoutingContext ctx;
    private final String endpoint;
    private final String model;
    private final RequestRecorder recorder;
    private final long startNanos = System.nanoTime();
    private final List<CompletableFuture<?>> pending = new ArrayList<>();
    private long timerId = -1;
    private long timeoutMs = -1;
    private volatile boolean finished; // read by worker threads to skip work for ended requests

    private Exchange(RoutingContext ctx, String endpoint, String model, RequestRecorder recorder) {
        this.ctx = ctx;
        this.endpoint = endpoint;
        this.model = model;
        this.recorder = recorder;
    }

    /**
     * Starts the exchange of {@code ctx}. The route's end handler fires when the response was written or the
     * connection closed; if the exchange has not answered by then, the client is gone.
     */
    static Exchange open(RoutingContext ctx, String endpoint, String model, RequestRecorder recorder) {
        Exchange ex = new Exchange(ctx, endpoint, model, recorder);
        ctx.addEndHandler(ar -> ex.clientGone());
        return ex;
    }

    /** Nanosecond timestamp when the exchange started (after the body was read). */
    long startNanos() {
        return startNanos;
    }

    /** Answers 504 and cancels what is left if the request is still open after {@code timeout}. */
    void armDeadline(Duration timeout) {
        timeoutMs = Math.max(1, timeout.toMillis());
        timerId = ctx.vertx().setTimer(timeoutMs, id -> {
            timerId = -1;
            fail(new PeregrineException(ErrorCode.DEADLINE_EXCEEDED, deadlineMessage()));
        });
    }

    private String deadlineMessage() {
        return "request did not complete within its deadline of " + timeoutMs + " ms";
    }

    /** Registers work to cancel if the exchange ends before it completes; cancels it at once if already ended. */
    void track(CompletableFuture<?> work) {
        if (finished) {
            work.cancel(false);
        } else {
            pending.add(work);
        }
    }

    /** True once the exchange answered or its client went away; later results are dropped. */
    boolean finished() {
        return finished;
    }

    /** Sends the successful answer. Ignored when the exchange already ended. */
    void reply(int status, String contentType, Buffer body) {
        reply(status, contentType, body, Map.of());
    }

    /** Sends the successful answer with extra headers. Ignored when the exchange already ended. */
    void reply(int status, String contentType, Buffer body, Map<String, String> headers) {
        if (!finish()) {
            return;
        }
        headers.forEach(ctx.response()::putHeader);
        Responses.send(ctx.response(), status, contentType, body);
        record(status);
    }

    /**
     * Sends the successful answer made of {@code parts} with extra headers and runs {@code written} once the body is
     * written, or failed to be, or at once when the exchange already ended: the parts may be memory to give back.
     */
    void reply(int status, String contentType, List<Buffer> parts, Map<String, String> headers, Runnable written) {
        if (!finish()) {
            written.run();
            return;
        }
        headers.forEach(ctx.response()::putHeader);
        Responses.send(ctx.response(), status, contentType, parts).onComplete(ar -> {
            if (ar.failed()) {
                LOG.debug("writing the answer failed: {}", ar.cause().toString());
            }
            written.run();
        });
        record(status);
    }

    /** Sends the error answer for {@code failure} and cancels remaining work. Ignored when already ended. */
    void fail(Throwable failure) {
        if (!finish()) {
            return;
        }
        ApiError error = ApiError.of(failure);
        if (error.status() == 504 && timeoutMs > 0 && !error.message().startsWith(deadlineMessage())) {
            // The batcher may notice the deadline before our timer does; say which deadline either way.
            error = new ApiError(504, error.error(), deadlineMessage() + " (" + error.message() + ")");
        }
        Responses.error(ctx.response(), error);
        record(error.status());
    }

    private void clientGone() {
        if (finish()) {
            record(RequestRecorder.CLIENT_CLOSED);
        }
    }

    /** Marks the exchange ended; cancels the timer and outstanding work. False if it had already ended. */
    private boolean finish() {
        if (finished) {
            return false;
        }
        finished = true;
        if (timerId >= 0) {
            ctx.vertx().cancelTimer(timerId);
            timerId = -1;
        }
        for (CompletableFuture<?> f : pending) {
            f.cancel(false); // no-op for completed work; removes queued items from their batcher
        }
        pending.clear();
        return true;
    }

    private void record(int status) {
        recorder.finished(endpoint, model, status, System.nanoTime() - startNanos);
    }
}
