package dev.peregrine.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Request bodies (images, tensor requests) live in pooled native memory ({@link PooledBody}) owned by the request:
 * they are held while the request is worked on and every one goes back to the pool however the request ends
 * (answered, refused, too large, client gone). The process-wide count must return to where it started; the metrics
 * show it.
 */
@ExtendWith(VertxExtension.class)
class RequestBodyMemoryTest {

    private static void awaitNoBodiesHeld() throws Exception {
        Poll.until("every request body is back in the pool", () -> PooledBody.liveBuffers() == 0 && TensorBytes.live() == 0);
        assertThat(PooledBody.liveBytes()).isZero();
    }

    @Test
    void imagesAreHeldWhileWorkedOnAndReleasedHoweverTheRequestEnds(Vertx vertx) throws Exception {
        awaitNoBodiesHeld();
        FakeDetector slow = new FakeDetector(400);
        HttpServerConfig config = HttpServerConfig.defaults(0).withBodyLimit(200_000);
        try (TestServer s = TestServer.start(vertx, config, slow, TestServer.policy(4, 16, Duration.ofSeconds(30)))) {
            byte[] jpeg = TestImages.jpeg(64, 48);
            // While a batch runs, the request's image is held (and shown in the metrics).
            Future<HttpResponse<Buffer>> running = s.post("/v1/models/shapes/detect")
                    .putHeader("Content-Type", "image/jpeg").sendBuffer(Buffer.buffer(jpeg));
            Poll.until("the batch runs", () -> slow.batches.get() == 1);
            assertThat(PooledBody.liveBuffers()).isEqualTo(1);
            assertThat(PooledBody.liveBytes()).isGreaterThanOrEqualTo(jpeg.length);
            String metrics = s.getNow("/metrics").bodyAsString();
            assertThat(metrics).contains("peregrine_request_bodies 1.0")
                    .containsPattern("peregrine_request_bodies_memory_bytes [1-9]");
            assertThat(TestServer.await(running).statusCode()).isEqualTo(200);
            awaitNoBodiesHeld();

            // Answered: JSON, several multipart images, an annotated JPEG.
            assertThat(s.detect("", jpeg).statusCode()).isEqualTo(200);
            assertThat(s.detectMultipart("image", List.of(jpeg, jpeg, jpeg)).statusCode()).isEqualTo(200);
            HttpResponse<Buffer> annotated = s.detect("annotate=true", jpeg);
            assertThat(annotated.statusCode()).isEqualTo(200);
            assertThat(annotated.getHeader("Content-Type")).isEqualTo("image/jpeg");
            awaitNoBodiesHeld();

            // Refused: corrupt image, a wrong part name, an empty body, a body over the limit (declared and not).
            assertThat(s.detect("", TestImages.truncatedJpeg()).statusCode()).isEqualTo(400);
            assertThat(s.detectMultipart("picture", List.of(jpeg)).statusCode()).isEqualTo(400);
            assertThat(s.detect("", new byte[0]).statusCode()).isEqualTo(400);
            assertThat(s.detect("", new byte[250_000]).statusCode()).isEqualTo(413);
            assertThat(chunkedUpload(s.port, 300_000)).startsWith("HTTP/1.1 413");
            awaitNoBodiesHeld();

            // Tensor requests: binary data read in place, JSON data, a malformed one.
            float[] values = new float[2 * 3 * FakeTensorModel.H * FakeTensorModel.W];
            Arrays.fill(values, 0.5f);
            ByteBuffer bin = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            bin.asFloatBuffer().put(values);
            JsonObject in = new JsonObject().put("name", "images").put("datatype", "FP32")
                    .put("shape", new JsonArray().add(2).add(3).add(FakeTensorModel.H).add(FakeTensorModel.W))
                    .put("parameters", new JsonObject().put("binary_data_size", values.length * 4));
            Buffer header = new JsonObject().put("inputs", new JsonArray().add(in)).toBuffer();
            HttpResponse<Buffer> binary = TestServer.await(s.post("/v2/models/shapes/infer")
                    .putHeader("Content-Type", "application/octet-stream")
                    .putHeader("Inference-Header-Content-Length", Integer.toString(header.length()))
                    .sendBuffer(Buffer.buffer().appendBuffer(header).appendBytes(bin.array())));
            assertThat(binary.statusCode()).as(binary.bodyAsString()).isEqualTo(200);
            float sum = 0.5f * 3 * FakeTensorModel.H * FakeTensorModel.W;
            assertThat(binary.bodyAsJsonObject().getJsonArray("outputs").getJsonObject(0).getJsonArray("data")
                    .getFloat(0)).isEqualTo(sum); // the data travelled: out[0][0][0] = sum(in[0])
            assertThat(s.postBytes("/v2/models/shapes/infer", "application/json", "{\"inputs\": 3}"
                    .getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(400);
            awaitNoBodiesHeld();

            // A client that hangs up while its image is worked on.
            int batches = slow.batches.get();
            try (Socket gone = s.rawDetect(jpeg)) {
                Poll.until("its batch runs", () -> slow.batches.get() == batches + 1);
            }
            awaitNoBodiesHeld();
            assertThat(s.detect("", jpeg).statusCode()).isEqualTo(200); // the server is fine afterwards
        }
        awaitNoBodiesHeld();
    }

    /** Sends {@code bytes} zero bytes as a chunked image body (no Content-Length) and returns the status line. */
    private static String chunkedUpload(int port, int bytes) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/models/shapes/detect HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/jpeg\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[10_000];
            try {
                for (int sent = 0; sent < bytes; sent += chunk.length) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (java.io.IOException closedEarly) {
                // the server may answer 413 and close before the whole body is sent
            }
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\r'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString();
        }
    }
}
