package dev.peregrine.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Graceful shutdown: queued work finishes within the grace period, later requests get 503, nobody is left out. */
@ExtendWith(VertxExtension.class)
class ShutdownTest {

    private static List<Future<HttpResponse<Buffer>>> send(TestServer s, int n) {
        List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
        byte[] jpeg = TestImages.jpeg(32, 32);
        for (int i = 0; i < n; i++) {
            sent.add(s.post("/v1/models/shapes/detect").putHeader("Content-Type", "image/jpeg")
                    .sendBuffer(Buffer.buffer(jpeg)));
        }
        return sent;
    }

    @Test
    void inFlightRequestsFinishAndNewOnesGet503(Vertx vertx) throws Exception {
        // 5 x 600 ms of queued work keeps the server draining (and listening) while the test probes it.
        FakeDetector slow = new FakeDetector(600);
        TestServer s = TestServer.start(vertx, HttpServerConfig.defaults(0), slow,
                TestServer.policy(1, 32, Duration.ofSeconds(30)));
        try {
            List<Future<HttpResponse<Buffer>>> inFlight = send(s, 5);
            // Prepared is not yet submitted: a request still between prepare and the batcher when draining
            // starts is rightly refused. Wait until all five are started batches (max batch 1) or queued.
            Poll.until("all five are queued or running",
                    () -> slow.batches.get() + s.registry.get(TestServer.MODEL).orElseThrow().stats().items() == 5);

            CompletableFuture<Void> shutdown =
                    CompletableFuture.runAsync(() -> s.server.shutdown(Duration.ofSeconds(20)));
            Poll.until("draining", () -> s.server.admission().draining());
            assertThat(s.getNow("/health/ready").statusCode()).isEqualTo(503);
            HttpResponse<Buffer> late = TestServer.await(s.post("/v1/models/shapes/detect")
                    .putHeader("Content-Type", "image/jpeg").sendBuffer(Buffer.buffer(TestImages.jpeg(8, 8))));
            assertThat(late.statusCode()).isEqualTo(503);
            assertThat(late.getHeader("Retry-After")).isEqualTo("1");
            assertThat(late.bodyAsJsonObject().getString("message")).contains("shutting down");

            for (Future<HttpResponse<Buffer>> f : inFlight) {
                assertThat(TestServer.await(f).statusCode()).isEqualTo(200);
            }
            shutdown.get();
            assertThat(slow.detected.get()).isEqualTo(5);
            assertThat(slow.open.get()).isZero();
            assertThat(slow.closed.get()).as("engines closed").isTrue();
        } finally {
            s.close();
        }
    }

    @Test
    void workBeyondTheGracePeriodIsAnswered503(Vertx vertx) throws Exception {
        FakeDetector slow = new FakeDetector(300);
        TestServer s = TestServer.start(vertx, HttpServerConfig.defaults(0), slow,
                TestServer.policy(1, 32, Duration.ofSeconds(30)));
        try {
            List<Future<HttpResponse<Buffer>>> inFlight = send(s, 8);
            Poll.until("all eight are queued or running", () -> slow.prepared.get() == 8);
            s.server.shutdown(Duration.ofMillis(400));

            int ok = 0;
            int refused = 0;
            for (Future<HttpResponse<Buffer>> f : inFlight) {
                HttpResponse<Buffer> r = TestServer.await(f);
                assertThat(r.statusCode()).isIn(200, 503);
                if (r.statusCode() == 200) {
                    ok++;
                } else {
                    refused++;
                    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("overloaded");
                }
            }
            assertThat(ok + refused).isEqualTo(8);
            assertThat(ok).as("what ran within the grace period").isPositive();
            assertThat(refused).as("what did not fit in 400 ms of 300 ms batches").isPositive();
            assertThat(slow.open.get()).isZero();
        } finally {
            s.close();
        }
    }
}
