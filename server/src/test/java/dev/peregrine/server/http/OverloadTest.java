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
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Far more concurrent requests than a slow engine can serve: every request must get exactly one answer, 200, 503
 * (with Retry-After) or 504, and afterwards nothing may be left open or in flight.
 */
@ExtendWith(VertxExtension.class)
class OverloadTest {

    @Test
    void everyRequestIsAnsweredWith200Or503Or504(Vertx vertx) throws Exception {
        // 50 ms per batch of at most 2: about 40 images/s. 120 requests at once is several seconds of work, with a
        // queue of 6 items and a 1.5 s deadline.
        HttpServerConfig config = HttpServerConfig.defaults(0).withRequestTimeout(Duration.ofMillis(1500));
        FakeDetector slow = new FakeDetector(50);
        try (TestServer s = TestServer.start(vertx, config, slow, TestServer.policy(2, 6, Duration.ofSeconds(30)))) {
            byte[] jpeg = TestImages.jpeg(64, 48);
            int n = 120;
            List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                sent.add(s.post("/v1/models/shapes/detect").putHeader("Content-Type", "image/jpeg")
                        .sendBuffer(Buffer.buffer(jpeg)));
            }
            Map<Integer, Integer> byStatus = new TreeMap<>();
            for (Future<HttpResponse<Buffer>> f : sent) {
                HttpResponse<Buffer> r = TestServer.await(f);
                byStatus.merge(r.statusCode(), 1, Integer::sum);
                if (r.statusCode() == 503) {
                    assertThat(r.getHeader("Retry-After")).isEqualTo("1");
                    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("overloaded");
                } else if (r.statusCode() == 200) {
                    assertThat(r.bodyAsJsonObject().getJsonArray("images").getJsonObject(0)
                            .getJsonArray("detections")).hasSize(2);
                }
            }

            assertThat(byStatus.keySet()).as("statuses %s", byStatus).isSubsetOf(200, 503, 504);
            assertThat(byStatus.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(n);
            assertThat(byStatus.get(200)).as("some requests were served: %s", byStatus).isPositive();
            assertThat(byStatus.get(503)).as("the overload was refused early: %s", byStatus).isPositive();
            Poll.until("every prepared image is closed", () -> slow.open.get() == 0);
            Poll.until("no request is in flight", () -> s.server.admission().inFlight() == 0);
            assertThat(s.server.admission().reservedBytes()).isZero();
            assertThat(slow.detected.get()).as("the engine only ran answered requests")
                    .isLessThanOrEqualTo(slow.prepared.get());
            // The server still works once the burst is over.
            assertThat(s.detect("", jpeg).statusCode()).isEqualTo(200);
        }
    }
}
