package dev.peregrine.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.exporter.precision.OnnxFiles;
import dev.peregrine.server.model.Int8TestModels;
import dev.peregrine.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code peregrine serve} as a process with the bundled demo model: it exports and serves the model, answers
 * detections, keeps its memory bounded under an overload of large uploads, and exits 0 after a graceful SIGTERM.
 * And with an INT8 model: converted to uint8 activations on the CPU unless switched off.
 */
class ServeProcessTest {
    private static final Path ROOT = Path.of(System.getProperty("peregrine.root", "..")).toAbsolutePath().normalize();

    @Test
    void servesTheDemoModelByDefaultAndExitsZeroOnSigterm(@TempDir Path cache) throws Exception {
        Path image = Fixtures.file("trained/images/val/000001.jpg");
        try (ServerProcess server = ServerProcess.start(ROOT, cache, List.of("-Xmx1g"), "--shutdown-grace-s", "5")) {
            HttpClient http = HttpClient.newHttpClient();
            server.awaitReady(http);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url(
                    "/v1/models/shapes/detect"))).header("Content-Type", "image/jpeg")
                    .POST(HttpRequest.BodyPublishers.ofFile(image)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).contains("\"class_name\":\"cross\"");

            assertThat(server.terminate()).as("exit status; output %s", server.output()).isZero();
            assertThat(server.output()).anyMatch(l -> l.contains("model 'shapes' ready (onnxruntime-cpu"));
        }
    }

    /**
     * An INT8 model with int8 activations on the CPU: served from its uint8-activation form in the cache, with one
     * log line saying so; with {@code --no-cpu-uint8-activations}, from the file itself.
     */
    @Test
    void int8ModelsAreServedWithUint8ActivationsUnlessSwitchedOff(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("m-int8.onnx");
        OnnxFiles.write(Int8TestModels.trainedInt8(), model);
        Path cache = dir.resolve("cache");
        HttpClient http = HttpClient.newHttpClient();
        try (ServerProcess server = ServerProcess.start(ROOT, cache, List.of("-Xmx1g"), "--model", model.toString(),
                "--max-batch", "1", "--no-cpu-uint8-activations")) {
            server.awaitReady(http);
            assertThat(server.output()).as("output").anyMatch(l -> l.contains("loaded m-int8.onnx with onnxruntime-cpu"))
                    .noneMatch(l -> l.contains("uint8"));
        }
        assertThat(cache).doesNotExist();
        try (ServerProcess server = ServerProcess.start(ROOT, cache, List.of("-Xmx1g"), "--model", model.toString(),
                "--max-batch", "1")) {
            server.awaitReady(http);
            assertThat(server.output()).as("output")
                    .anyMatch(l -> l.contains("m-int8.onnx: converted int8 Q/DQ activations to uint8"))
                    .anyMatch(l -> l.matches(".*loaded m-int8-uint8act-[0-9a-f]{16}\\.onnx with onnxruntime-cpu.*"));
        }
    }

    /**
     * 160 concurrent 12-megapixel uploads (about a gigabyte of bodies) against a server with 24 MB budgets for
     * bodies in flight and for queued images, and a 384 MB heap: every request is answered 200, 503 or 504, the
     * server survives, and its resident memory grows by less than its heap limit plus the two budgets plus the
     * decoding buffers of its workers.
     */
    @Test
    void memoryStaysBoundedUnderAnOverloadOfLargeUploads(@TempDir Path cache) throws Exception {
        Fixtures.root();
        byte[] big = noisyJpeg(4000, 3000);
        try (ServerProcess server = ServerProcess.start(ROOT, cache, List.of("-Xmx384m"), "--queue-mb", "24",
                "--max-batch", "4", "--timeout-ms", "20000", "--workers", "2")) {
            // HTTP/1.1: one connection per request, as many clients of a loaded server would be.
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            server.awaitReady(http);
            URI detect = URI.create(server.url("/v1/models/shapes/detect"));
            for (int i = 0; i < 3; i++) { // warm the decode path before taking the baseline
                assertThat(http.send(HttpRequest.newBuilder(detect).header("Content-Type", "image/jpeg")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
            }
            long before = server.rss();
            ServerProcess.RssSampler sampler = server.sampleRss();
            List<CompletableFuture<HttpResponse<Void>>> sent = new ArrayList<>();
            for (int i = 0; i < 160; i++) {
                sent.add(http.sendAsync(HttpRequest.newBuilder(detect).header("Content-Type", "image/jpeg")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(),
                        HttpResponse.BodyHandlers.discarding()));
            }
            Map<Integer, Integer> byStatus = new TreeMap<>();
            for (CompletableFuture<HttpResponse<Void>> f : sent) {
                byStatus.merge(f.get(5, TimeUnit.MINUTES).statusCode(), 1, Integer::sum);
            }
            long peak = sampler.stop();
            long growth = peak - before;
            System.out.printf("serve RSS: before %d MB, peak %d MB, growth %d MB; upload %d bytes x 160; %s%n",
                    before >> 20, peak >> 20, growth >> 20, big.length, byStatus);

            assertThat(server.process.isAlive()).as("output %s", server.output()).isTrue();
            assertThat(byStatus.keySet()).isSubsetOf(200, 503, 504);
            assertThat(byStatus.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(160);
            assertThat(byStatus.get(503)).as("the budgets refused part of the burst: %s", byStatus).isPositive();
            long bound = (384L << 20) + 2 * (24L << 20) + 2 * (36L << 20) + (128L << 20);
            assertThat(growth).as("RSS growth in bytes (bound %d MB)", bound >> 20).isLessThan(bound);
            assertThat(server.terminate()).isZero();
        }
    }

    /** A JPEG of random noise: large to upload, expensive to decode. */
    private static byte[] noisyJpeg(int w, int h) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        new Random(7).nextBytes(((DataBufferByte) img.getRaster().getDataBuffer()).getData());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", out);
        return out.toByteArray();
    }
}
