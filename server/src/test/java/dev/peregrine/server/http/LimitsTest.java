package dev.peregrine.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.vertx.junit5.VertxExtension;

/** Configured limits: body size, API key, CORS, deadlines. Each test starts its own server. */
@ExtendWith(VertxExtension.class)
class LimitsTest {

    @Test
    void oversizedBodyIs413ForRawAndMultipart(Vertx vertx) throws Exception {
        HttpServerConfig config = HttpServerConfig.defaults(0).withBodyLimit(50_000);
        try (TestServer s = TestServer.start(vertx, config, new FakeDetector(0), TestServer.policy(4, 16,
                Duration.ofSeconds(10)))) {
            byte[] big = new byte[60_000];
            HttpResponse<Buffer> raw = s.postBytes("/v1/models/shapes/detect", "image/jpeg", big);
            assertThat(raw.statusCode()).isEqualTo(413);
            assertThat(raw.bodyAsJsonObject().getString("error")).isEqualTo("too_large");
            assertThat(raw.bodyAsJsonObject().getString("message")).contains("--body-limit-mb");

            HttpResponse<Buffer> multi = s.detectMultipart("image", List.of(big));
            assertThat(multi.statusCode()).isEqualTo(413);
            assertThat(multi.bodyAsJsonObject().getString("error")).isEqualTo("too_large");

            // A body under the limit still works on the same server.
            assertThat(s.detect("", TestImages.jpeg(16, 16)).statusCode()).isEqualTo(200);
            assertThat(s.detector.prepared.get()).isEqualTo(1);
        }
    }

    @Test
    void apiKeyIsRequiredOnTheApiButNotOnProbes(Vertx vertx) throws Exception {
        HttpServerConfig config = HttpServerConfig.defaults(0).withApiKey("s3cret-key");
        try (TestServer s = TestServer.start(vertx, config, new FakeDetector(0), TestServer.policy(4, 16,
                Duration.ofSeconds(10)))) {
            HttpResponse<Buffer> none = s.detect("", TestImages.jpeg(16, 16));
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.bodyAsJsonObject().getString("error")).isEqualTo("unauthorized");
            assertThat(none.bodyAsJsonObject().getString("message")).contains("Authorization: Bearer");

            HttpResponse<Buffer> wrong = TestServer.await(s.post("/v1/models/shapes/detect")
                    .putHeader("Content-Type", "image/jpeg").putHeader("X-API-Key", "s3cret-kez")
                    .sendBuffer(Buffer.buffer(TestImages.jpeg(16, 16))));
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.bodyAsJsonObject().getString("message")).contains("wrong API key");

            HttpResponse<Buffer> bearer = TestServer.await(s.post("/v1/models/shapes/detect")
                    .putHeader("Content-Type", "image/jpeg").putHeader("Authorization", "Bearer s3cret-key")
                    .sendBuffer(Buffer.buffer(TestImages.jpeg(16, 16))));
            assertThat(bearer.statusCode()).isEqualTo(200);
            HttpResponse<Buffer> header = TestServer.await(s.get("/v1/models").putHeader("X-API-Key", "s3cret-key")
                    .send());
            assertThat(header.statusCode()).isEqualTo(200);

            assertThat(s.getNow("/v1/models").statusCode()).isEqualTo(401);
            assertThat(s.getNow("/v2/models/shapes").statusCode()).isEqualTo(401);
            assertThat(s.getNow("/health/ready").statusCode()).isEqualTo(200);
            assertThat(s.getNow("/v2/health/live").statusCode()).isEqualTo(200);
            assertThat(s.getNow("/metrics").statusCode()).isEqualTo(200);
            assertThat(s.detector.prepared.get()).as("unauthenticated requests decode nothing").isEqualTo(1);
        }
    }

    @Test
    void corsHeadersOnlyForTheConfiguredOrigin(Vertx vertx) throws Exception {
        HttpServerConfig config = HttpServerConfig.defaults(0).withCors("https://app.example.org");
        try (TestServer s = TestServer.start(vertx, config, new FakeDetector(0), TestServer.policy(4, 16,
                Duration.ofSeconds(10)))) {
            HttpResponse<Buffer> preflight = TestServer.await(s.client.request(io.vertx.core.http.HttpMethod.OPTIONS,
                    "/v1/models/shapes/detect").putHeader("Origin", "https://app.example.org")
                    .putHeader("Access-Control-Request-Method", "POST")
                    .putHeader("Access-Control-Request-Headers", "content-type,x-api-key").send());
            assertThat(preflight.statusCode()).isBetween(200, 204);
            assertThat(preflight.getHeader("Access-Control-Allow-Origin")).isEqualTo("https://app.example.org");
            assertThat(preflight.getHeader("Access-Control-Allow-Headers").toLowerCase()).contains("x-api-key");

            HttpResponse<Buffer> other = TestServer.await(s.get("/v1/models")
                    .putHeader("Origin", "https://evil.example").send());
            assertThat(other.getHeader("Access-Control-Allow-Origin")).isNull();
            assertThat(other.statusCode()).isEqualTo(403);
            assertThat(other.bodyAsJsonObject().getString("error")).isEqualTo("forbidden");
        }
        try (TestServer any = TestServer.start(vertx, HttpServerConfig.defaults(0).withCors("*"), new FakeDetector(0),
                TestServer.policy(4, 16, Duration.ofSeconds(10)))) {
            HttpResponse<Buffer> r = TestServer.await(any.get("/v1/models").putHeader("Origin", "https://x.example")
                    .send());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.getHeader("Access-Control-Allow-Origin")).isIn("*", "https://x.example");
        }
    }

    @Test
    void deadlineIs504AndClientsCanOnlyShortenIt(Vertx vertx) throws Exception {
        // Server deadline 400 ms, engine takes 1.5 s per batch.
        HttpServerConfig config = HttpServerConfig.defaults(0).withRequestTimeout(Duration.ofMillis(400));
        FakeDetector slow = new FakeDetector(1500);
        try (TestServer s = TestServer.start(vertx, config, slow, TestServer.policy(1, 16, Duration.ofSeconds(30)))) {
            HttpResponse<Buffer> longer = s.detect("timeout_ms=60000", TestImages.jpeg(16, 16));
            assertThat(longer.statusCode()).isEqualTo(504);
            assertThat(longer.bodyAsJsonObject().getString("error")).isEqualTo("deadline_exceeded");
            // the server's 400 ms deadline applied, not the client's 60 s
            assertThat(longer.bodyAsJsonObject().getString("message")).contains("400 ms");

            HttpResponse<Buffer> shorter = TestServer.await(s.post("/v1/models/shapes/detect")
                    .putHeader("Content-Type", "image/jpeg").putHeader(RequestTimeouts.HEADER, "100")
                    .sendBuffer(Buffer.buffer(TestImages.jpeg(16, 16))));
            assertThat(shorter.statusCode()).isEqualTo(504);
            assertThat(shorter.bodyAsJsonObject().getString("message")).contains("100 ms");
        }
    }

    /** Reads an HTTP/1.1 status line and headers from {@code in}. */
    private static String readHead(java.io.InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.append((char) c);
        }
        return head.toString();
    }

    @Test
    void expectContinueIsGrantedOnlyToRequestsThatPassTheChecks(Vertx vertx) throws Exception {
        HttpServerConfig config = HttpServerConfig.defaults(0).withApiKey("k");
        try (TestServer s = TestServer.start(vertx, config, new FakeDetector(0), TestServer.policy(4, 16,
                Duration.ofSeconds(10)))) {
            byte[] body = Multipart.images("image", List.of(TestImages.jpeg(16, 16)));
            for (String key : List.of("wrong", "k")) {
                try (java.net.Socket socket = new java.net.Socket("127.0.0.1", s.port)) {
                    socket.setSoTimeout(30_000);
                    java.io.OutputStream out = socket.getOutputStream();
                    out.write(("POST /v1/models/shapes/detect HTTP/1.1\r\nHost: localhost\r\nX-API-Key: " + key
                            + "\r\nContent-Type: " + Multipart.contentType() + "\r\nContent-Length: " + body.length
                            + "\r\nExpect: 100-continue\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    out.flush();
                    String head = readHead(socket.getInputStream());
                    if (key.equals("wrong")) {
                        assertThat(head).as("refused before the upload").startsWith("HTTP/1.1 401");
                        assertThat(s.detector.prepared.get()).isZero();
                    } else {
                        assertThat(head).startsWith("HTTP/1.1 100 Continue");
                        out.write(body);
                        out.flush();
                        assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 200");
                    }
                }
            }
        }
    }
}
