package dev.peregrine.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A client that hangs up while its image is queued takes its work with it: the engine never runs it. */
@ExtendWith(VertxExtension.class)
class ClientDisconnectTest {

    @Test
    void queuedWorkOfAGoneClientIsCancelled(Vertx vertx) throws Exception {
        FakeDetector slow = new FakeDetector(700);
        try (TestServer s = TestServer.start(vertx, HttpServerConfig.defaults(0), slow,
                TestServer.policy(1, 16, Duration.ofSeconds(30)))) {
            // A occupies the engine.
            Future<HttpResponse<Buffer>> a = s.post("/v1/models/shapes/detect").putHeader("Content-Type", "image/jpeg")
                    .sendBuffer(Buffer.buffer(TestImages.jpeg(32, 32)));
            Poll.until("A runs", () -> slow.batches.get() == 1);

            // B queues behind it on a raw connection, then hangs up.
            byte[] jpeg = TestImages.jpeg(32, 32);
            try (Socket b = s.rawDetect(jpeg)) {
                Poll.until("B is prepared and queued", () -> slow.prepared.get() == 2);
            }
            Poll.until("B's exchange ended", () -> s.server.admission().inFlight() == 1);

            assertThat(TestServer.await(a).statusCode()).isEqualTo(200);
            // A third request runs after A; if B had stayed queued it would have run before C.
            assertThat(s.detect("", TestImages.jpeg(16, 16)).statusCode()).isEqualTo(200);
            assertThat(slow.detected.get()).as("A and C ran, B did not").isEqualTo(2);
            // The batcher closes an image after answering, so the last close may trail C's response a little.
            Poll.until("every prepared image is closed", () -> slow.open.get() == 0);
            Poll.until("nothing is in flight", () -> s.server.admission().inFlight() == 0);
        }
    }
}
