package dev.peregrine.server.http;

import dev.peregrine.engines.Device;
import dev.peregrine.engines.image.ImageDecoder;
import dev.peregrine.server.batch.BatchPolicy;
import dev.peregrine.server.metrics.ServerMetrics;
import dev.peregrine.server.model.ModelRegistry;
import dev.peregrine.server.model.ModelSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A server on a free port with one model, {@code shapes}, served by a {@link FakeDetector}; plus a client. */
final class TestServer implements AutoCloseable {
    static final String MODEL = "shapes";

    final FakeDetector detector;
    final ServerMetrics metrics = new ServerMetrics();
    final ModelRegistry registry;
    final PeregrineHttpServer server;
    final WebClient client;
    final int port;
    private static boolean warm;
    private boolean closed;

    private TestServer(Vertx vertx, HttpServerConfig config, FakeDetector detector, BatchPolicy policy,
            TensorModels tensors) throws Exception {
        warmUpNatives();
        this.detector = detector;
        ModelSpec spec = new ModelSpec(MODEL, Path.of("fake.onnx"), Device.CPU, policy, 1);
        this.registry = ModelRegistry.load(List.of(spec), TimedDetector.wrap(s -> detector), metrics);
        registry.loaded().get(30, TimeUnit.SECONDS);
        detector.resetCounters();
        this.server = new PeregrineHttpServer(vertx, config, registry, metrics, tensors);
        this.port = await(server.start());
        this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port),
                new PoolOptions().setHttp1MaxSize(64));
    }

    /**
     * Decodes one image before the first server starts, as the real registry's warm-up does: the first OpenCV call
     * loads the native libraries, which on a busy machine can take longer than a test request's deadline.
     */
    private static synchronized void warmUpNatives() throws Exception {
        if (!warm) {
            try (var m = ImageDecoder.decode(TestImages.jpeg(8, 8), 64)) {
                warm = m.cols() == 8;
            }
        }
    }

    /** Default config, a fast fake, the default policy, and the fake tensor model. */
    static TestServer start(Vertx vertx) throws Exception {
        return start(vertx, HttpServerConfig.defaults(0), new FakeDetector(0), policy(8, 64, Duration.ofSeconds(10)));
    }

    static TestServer start(Vertx vertx, HttpServerConfig config, FakeDetector detector, BatchPolicy policy)
            throws Exception {
        FakeTensorModel tensors = new FakeTensorModel();
        return new TestServer(vertx, config, detector, policy, m -> Optional.of(tensors));
    }

    static TestServer start(Vertx vertx, HttpServerConfig config, FakeDetector detector, BatchPolicy policy,
            TensorModels tensors) throws Exception {
        return new TestServer(vertx, config, detector, policy, tensors);
    }

    /** A policy with {@code maxBatch}, {@code queueItems} and {@code timeout}, 256 MiB, 2 ms delay. */
    static BatchPolicy policy(int maxBatch, int queueItems, Duration timeout) {
        return new BatchPolicy(maxBatch, new int[0], Duration.ofMillis(2), 256L << 20, queueItems, timeout);
    }

    HttpRequest<Buffer> post(String uri) {
        return client.post(uri).timeout(30_000);
    }

    HttpRequest<Buffer> get(String uri) {
        return client.get(uri).timeout(30_000);
    }

    /** POSTs {@code body} with {@code contentType} and waits for the answer. */
    HttpResponse<Buffer> postBytes(String uri, String contentType, byte[] body) throws Exception {
        HttpRequest<Buffer> req = post(uri);
        if (contentType != null) {
            req.putHeader("Content-Type", contentType);
        }
        return await(req.sendBuffer(Buffer.buffer(body)));
    }

    /** POSTs a JPEG to the detect route of {@code shapes} with {@code query} (may be empty). */
    HttpResponse<Buffer> detect(String query, byte[] jpeg) throws Exception {
        return postBytes("/v1/models/" + MODEL + "/detect" + (query.isEmpty() ? "" : "?" + query), "image/jpeg", jpeg);
    }

    /** POSTs images as multipart parts named {@code partName}. */
    HttpResponse<Buffer> detectMultipart(String partName, List<byte[]> images) throws Exception {
        MultipartForm form = MultipartForm.create();
        for (int i = 0; i < images.size(); i++) {
            form.binaryFileUpload(partName, "img" + i + ".jpg", Buffer.buffer(images.get(i)), "image/jpeg");
        }
        return await(post("/v1/models/" + MODEL + "/detect").sendMultipartForm(form));
    }

    HttpResponse<Buffer> getNow(String uri) throws Exception {
        return await(get(uri).send());
    }

    /**
     * Opens a plain socket and sends a whole detect request for {@code jpeg} on it, without reading the answer: for
     * tests of clients that hang up (close the socket) while their request is worked on.
     */
    Socket rawDetect(byte[] jpeg) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/models/" + MODEL + "/detect HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/jpeg\r\n"
                + "Content-Length: " + jpeg.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(jpeg);
        out.flush();
        return socket;
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /** Shuts the server down (2 s grace) and closes the client. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown(Duration.ofSeconds(2));
        client.close();
    }
}
