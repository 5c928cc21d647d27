package dev.peregrine.bench.loadgen;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny stand-in for a Peregrine server on a loopback port: {@code POST /v1/models/shapes/detect} answers 200
 * with an empty detection list whose stage times say the detector took {@link #DETECTOR_MS}, except every {@code failEvery}-th request, which gets 503; each 200 is counted as
 * one batch of size 1 (odd request numbers) or 2 (even), with 3 ms of queue time, in {@code /metrics}.
 */
final class FakeDetectServer implements AutoCloseable {
    /** Preprocess + inference that every 200 answer reports. */
    static final double DETECTOR_MS = 3.0;
    private static final String OK_BODY = "{\"model\":\"shapes\",\"images\":[{\"width\":2,\"height\":2,"
            + "\"detections\":[],\"timing_ms\":{\"queue\":0.5,\"preprocess\":1.0,\"inference\":2.0,"
            + "\"postprocess\":0.1,\"total\":3.6}}]}";
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final int failEvery;
    private final long sleepMillis;
    private final boolean metrics;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong size1 = new AtomicLong();
    private final AtomicLong size2 = new AtomicLong();
    private final AtomicLong wrongBodies = new AtomicLong();

    FakeDetectServer(int failEvery, long sleepMillis, boolean metrics) throws IOException {
        this.failEvery = failEvery;
        this.sleepMillis = sleepMillis;
        this.metrics = metrics;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/models/shapes/detect", this::detect);
        server.createContext("/metrics", this::metrics);
        server.setExecutor(executor);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    long requests() {
        return requests.get();
    }

    long wrongBodies() {
        return wrongBodies.get();
    }

    private void detect(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (!ex.getRequestMethod().equals("POST") || body.length == 0 || type == null
                || !type.startsWith("image/")) {
            wrongBodies.incrementAndGet();
        }
        long n = requests.incrementAndGet();
        if (sleepMillis > 0) {
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failEvery > 0 && n % failEvery == 0) {
            failed.incrementAndGet();
            send(ex, 503, "{\"error\":\"overloaded\",\"message\":\"queue full\"}");
            return;
        }
        ok.incrementAndGet();
        (n % 2 == 0 ? size2 : size1).incrementAndGet();
        send(ex, 200, OK_BODY);
    }

    private void metrics(HttpExchange ex) throws IOException {
        if (!metrics) {
            send(ex, 404, "not here");
            return;
        }
        long s1 = size1.get();
        long s2 = size2.get();
        long okNow = ok.get();
        String text = String.format(Locale.ROOT, """
                # TYPE peregrine_batch_size histogram
                peregrine_batch_size_bucket{model="shapes",le="1.0"} %d
                peregrine_batch_size_bucket{model="shapes",le="2.0"} %d
                peregrine_batch_size_bucket{model="shapes",le="+Inf"} %d
                peregrine_batch_size_count{model="shapes"} %d
                peregrine_batch_size_sum{model="shapes"} %d
                peregrine_queue_latency_seconds_bucket{model="shapes",le="0.002"} 0
                peregrine_queue_latency_seconds_bucket{model="shapes",le="0.005"} %d
                peregrine_queue_latency_seconds_bucket{model="shapes",le="+Inf"} %d
                peregrine_queue_latency_seconds_count{model="shapes"} %d
                peregrine_queue_latency_seconds_sum{model="shapes"} %.6f
                peregrine_requests_total{model="shapes",status="200"} %d
                peregrine_requests_total{model="shapes",status="503"} %d
                """, s1, s1 + s2, s1 + s2, s1 + s2, s1 + 2 * s2, okNow, okNow, okNow, okNow * 0.003, okNow,
                failed.get());
        send(ex, 200, text);
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
