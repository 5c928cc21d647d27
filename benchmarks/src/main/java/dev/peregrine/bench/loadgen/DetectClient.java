package dev.peregrine.bench.loadgen;

import dev.peregrine.bench.run.EncodedImage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * The load generator's HTTP/1.1 client: sends detect requests over keep-alive connections and reports each as a
 * {@link Reply}. Built on Vert.x's event-loop client (on Linux with Netty's native epoll transport when available)
 * rather than the JDK {@code HttpClient}, whose selector and executor threads add about half a millisecond per
 * request on a small machine: at concurrency 1 that is the same size as the server overhead being measured.
 *
 * <p>One client, one event loop: closed-loop users chain their next request from the previous reply on that loop,
 * so the client adds no thread hand-over of its own.
 */
final class DetectClient implements AutoCloseable {
    private final Vertx vertx;
    private final HttpClient http;
    private final URI detect;
    private final long timeoutMs;

    /**
     * @param detect      the detect endpoint
     * @param connections most connections kept open (requests beyond them wait for one)
     * @param timeout     per-request timeout: no answer within it ends the request as {@code timeout}
     */
    DetectClient(URI detect, int connections, Duration timeout) {
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis())),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
        this.detect = detect;
        this.timeoutMs = Math.max(1, timeout.toMillis());
    }

    /** The answer to one request: an HTTP status or a client-side outcome, and the server's stage times. */
    record Reply(String outcome, StageSplit split) {
        boolean ok() {
            return outcome.equals("200");
        }

        /**
         * What of a successful request's {@code latencyNanos} was spent outside the detector (HTTP, JSON, queueing,
         * hand-overs), or -1 when the server reported no stage times.
         */
        long outsideDetectorNanos(long latencyNanos) {
            return split == null ? -1 : Math.max(0, latencyNanos - Math.round(split.detectorMs() * 1e6));
        }
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

    /** Sends {@code image}; the future always succeeds, with the outcome. Callable from any thread. */
    Future<Reply> send(EncodedImage image) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(detect.toString()).setTimeout(timeoutMs)
                .putHeader("Content-Type", LoadGenerator.mediaType(image.name()));
        return http.request(options)
                .compose(req -> req.send(Buffer.buffer(image.bytes())))
                .compose(resp -> resp.body().map(body -> reply(resp, body)))
                .recover(err -> Future.succeededFuture(new Reply(outcome(err), null)));
    }

    /** Sends {@code image} and waits for the outcome. Not on the client's event loop. */
    Reply sendBlocking(EncodedImage image) {
        return send(image).toCompletionStage().toCompletableFuture().join();
    }

    private static Reply reply(HttpClientResponse resp, Buffer body) {
        String status = Integer.toString(resp.statusCode());
        return new Reply(status, resp.statusCode() == 200 ? split(body) : null);
    }

    /** The stage times of a detect answer's first image, or null when the body has none. */
    static StageSplit split(Buffer body) {
        try {
            JsonArray images = new JsonObject(body).getJsonArray("images");
            JsonObject timing = images == null || images.isEmpty() ? null
                    : images.getJsonObject(0).getJsonObject("timing_ms");
            if (timing == null || timing.getNumber("preprocess") == null || timing.getNumber("inference") == null) {
                return null;
            }
            return new StageSplit(timing.getDouble("preprocess"), timing.getDouble("inference"));
        } catch (DecodeException | ClassCastException e) {
            return null; // not a Peregrine detect answer: no split, the latency still counts
        }
    }

    /** The outcome name of a failed request. */
    static String outcome(Throwable err) {
        Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (t instanceof TimeoutException) {
            return "timeout"; // Vert.x's request timeout is a NoStackTraceTimeoutException, a TimeoutException
        }
        return "io-error";
    }

    @Override
    public void close() {
        http.close().await();
        vertx.close().await();
    }
}
