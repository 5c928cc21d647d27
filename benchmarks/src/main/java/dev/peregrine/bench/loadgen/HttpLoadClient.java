package dev.peregrine.bench.loadgen;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;

/**
 * The HTTP/1.1 side of the load generator's clients: POSTs over keep-alive connections, each answer turned into a
 * {@link Reply} by the subclass. Built on Vert.x's event-loop client (on Linux with Netty's native epoll transport
 * when available) rather than the JDK {@code HttpClient}, whose selector and executor threads add about half a
 * millisecond per request on a small machine: at concurrency 1 that is the same size as the server overhead being
 * measured.
 *
 * <p>One client, one event loop: closed-loop users chain their next request from the previous reply on that loop,
 * so the client adds no thread hand-over of its own.
 */
abstract class HttpLoadClient implements LoadClient {
    private final Vertx vertx;
    private final HttpClient http;
    private final long timeoutMs;

    /**
     * @param connections most connections kept open (requests beyond them wait for one)
     * @param timeout     per-request timeout: no answer within it ends the request as {@code timeout}
     */
    HttpLoadClient(int connections, Duration timeout) {
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis())),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
        this.timeoutMs = Math.max(1, timeout.toMillis());
    }

    /** POSTs {@code body} to {@code uri}; the future always succeeds, with the outcome. */
    final Future<Reply> post(URI uri, MultiMap headers, Buffer body) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(uri.toString())
                .setTimeout(timeoutMs).setHeaders(headers);
        return http.request(options)
                .compose(req -> req.send(body))
                .compose(resp -> resp.body().map(answer -> reply(resp, answer)))
                .recover(err -> Future.succeededFuture(Reply.failed(err)));
    }

    /**
     * GETs {@code uri} and waits for the answer's status and body. Not load: it gets at least a scrape's timeout
     * even when requests have a tight one.
     */
    final Answer getBlocking(URI uri) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(uri.toString())
                .setTimeout(Math.max(timeoutMs, LoadGenerator.SCRAPE_TIMEOUT.toMillis()));
        return http.request(options).compose(req -> req.send())
                .compose(resp -> resp.body().map(body -> new Answer(resp.statusCode(), body)))
                .toCompletionStage().toCompletableFuture().join();
    }

    /** A status and a body. */
    record Answer(int status, Buffer body) {
    }

    /** The outcome of an answered request. */
    abstract Reply reply(HttpClientResponse response, Buffer body);

    @Override
    public void close() {
        http.close().await();
        vertx.close().await();
    }
}
