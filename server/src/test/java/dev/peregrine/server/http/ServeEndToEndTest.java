package dev.peregrine.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.Device;
import dev.peregrine.engines.Engine;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.EngineOutputs;
import dev.peregrine.engines.Engines;
import dev.peregrine.engines.image.ImageDecoder;
import dev.peregrine.engines.image.InputBatch;
import dev.peregrine.engines.image.LetterboxedImage;
import dev.peregrine.server.batch.BatchPolicy;
import dev.peregrine.server.grpc.v2.ModelInferRequest;
import dev.peregrine.server.grpc.v2.ModelInferResponse;
import dev.peregrine.server.model.DefaultModelLoader;
import dev.peregrine.server.model.ModelSpec;
import dev.peregrine.server.model.ServedModel;
import dev.peregrine.testing.Fixtures;
import dev.peregrine.testing.ReferenceDetections;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real thing: the bundled demo checkpoint {@code models/shapes-yolov8n.pt}, exported by Peregrine on load and
 * served on ONNX Runtime CPU, answers like Ultralytics on the trained fixture images, over JSON, multipart,
 * annotation and the Open Inference Protocol.
 */
class ServeEndToEndTest {
    @TempDir
    static Path cache;
    private static DemoModelServer server;
    private static String base;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = DemoModelServer.start(cache);
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static HttpResponse<byte[]> post(String path, String contentType, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static List<Detection> detections(JsonObject image) {
        List<Detection> out = new ArrayList<>();
        for (Object o : image.getJsonArray("detections")) {
            JsonObject d = (JsonObject) o;
            JsonObject b = d.getJsonObject("box");
            out.add(new Detection(b.getFloat("x1"), b.getFloat("y1"), b.getFloat("x2"), b.getFloat("y2"),
                    d.getFloat("score"), d.getInteger("class_id")));
        }
        return out;
    }

    /** Images the model's batches have run so far, from {@code peregrine_batch_size_sum} (0 before any batch). */
    private static double batchedImages() throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^peregrine_batch_size_sum\\{model=\"shapes\"} (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0; // the histogram appears with the first batch
    }

    private static byte[] fixtureImage(String file) throws Exception {
        return Files.readAllBytes(Fixtures.file("trained/images/val/" + file));
    }

    @Test
    void detectMatchesUltralyticsOnEveryReferenceImage() throws Exception {
        JsonNode ref = Fixtures.readJson(Fixtures.file("trained/predictions.json"));
        List<byte[]> images = new ArrayList<>();
        List<JsonNode> refs = new ArrayList<>();
        for (JsonNode image : ref.get("images")) {
            images.add(fixtureImage(image.get("file").asText()));
            refs.add(image);
        }
        // The first image alone as a raw body, then all twenty in one multipart request (batched by the server).
        HttpResponse<byte[]> single = post("/v1/models/shapes/detect", "image/jpeg", images.get(0));
        assertThat(single.statusCode()).as(new String(single.body())).isEqualTo(200);
        JsonObject one = new JsonObject(Buffer.buffer(single.body()));
        assertThat(one.getString("model")).isEqualTo("shapes");
        ReferenceDetections.match("000001.jpg (single)", ReferenceDetections.parse(refs.get(0).get("detections")),
                detections(one.getJsonArray("images").getJsonObject(0)), 0.95, 0.02, 0);

        HttpResponse<byte[]> many = post("/v1/models/shapes/detect", Multipart.contentType(),
                Multipart.images("image", images));
        assertThat(many.statusCode()).as(new String(many.body())).isEqualTo(200);
        JsonArray out = new JsonObject(Buffer.buffer(many.body())).getJsonArray("images");
        assertThat(out).hasSize(refs.size());
        int total = 0;
        for (int i = 0; i < refs.size(); i++) {
            JsonObject img = out.getJsonObject(i);
            String file = refs.get(i).get("file").asText();
            assertThat(img.getInteger("width")).as(file).isEqualTo(refs.get(i).get("width").asInt());
            assertThat(img.getInteger("height")).as(file).isEqualTo(refs.get(i).get("height").asInt());
            for (JsonNode d : refs.get(i).get("detections")) {
                assertThat(img.getJsonArray("detections").stream().map(o -> ((JsonObject) o).getString("class_name")))
                        .contains(d.get("name").asText());
            }
            total += ReferenceDetections.match(file, ReferenceDetections.parse(refs.get(i).get("detections")),
                    detections(img), 0.95, 0.02, 0).count();
        }
        assertThat(total).isEqualTo(62);
    }

    @Test
    void annotatedJpegHasTheImageSize() throws Exception {
        HttpResponse<byte[]> r = post("/v1/models/shapes/detect?annotate=true", "image/jpeg",
                fixtureImage("000001.jpg"));
        assertThat(r.statusCode()).isEqualTo(200);
        var header = ImageDecoder.probe(r.body());
        assertThat(header.format()).isEqualTo("jpeg");
        assertThat(header.width()).isEqualTo(345);
        assertThat(header.height()).isEqualTo(240);
        assertThat(r.body()).isNotEqualTo(fixtureImage("000001.jpg"));
    }

    @Test
    void modelsListShowsTheExportedModel() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/models/shapes")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonObject m = new JsonObject(r.body());
        assertThat(m.getString("engine")).isEqualTo("onnxruntime-cpu");
        assertThat(m.getJsonArray("classes").getList()).containsExactly("circle", "square", "triangle", "star",
                "cross");
        assertThat(m.getJsonObject("input").getInteger("height")).isEqualTo(320);
        // which file runs: the checkpoint's export in the cache, named without its directory
        JsonObject artifact = m.getJsonObject("artifact");
        assertThat(artifact.getString("source")).isEqualTo("shapes-yolov8n.pt");
        assertThat(artifact.getString("derivation")).isEqualTo("exported");
        assertThat(artifact.getString("file")).matches("shapes-yolov8n-[0-9a-f]{16}\\.onnx");
        assertThat(cache.resolve(artifact.getString("file"))).isRegularFile();
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    /** The tensor route returns exactly what the exported ONNX model computes for the same input. */
    @Test
    void kserveBinaryInferEqualsADirectEngineRun() throws Exception {
        JsonObject meta = new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v2/models/shapes"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
        JsonObject in = meta.getJsonArray("inputs").getJsonObject(0);
        assertThat(in.getString("name")).isEqualTo("images");
        assertThat(in.getJsonArray("shape").getList()).containsExactly(-1, 3, 320, 320);
        JsonObject outSpec = meta.getJsonArray("outputs").getJsonObject(0);
        assertThat(outSpec.getString("name")).isEqualTo("output0");
        assertThat(outSpec.getJsonArray("shape").getList()).containsExactly(-1, 9, 2100);

        // Preprocess two fixture images the way Ultralytics does (letterbox, RGB, CHW, /255).
        int per = 3 * 320 * 320;
        float[] tensor = new float[2 * per];
        try (InputBatch batch = new InputBatch(2, 320, 320)) {
            int slot = 0;
            for (String file : List.of("000001.jpg", "000002.jpg")) {
                try (Mat bgr = ImageDecoder.decode(fixtureImage(file), 40_000_000L);
                     LetterboxedImage img = LetterboxedImage.of(bgr, 320, 320)) {
                    batch.put(slot++, img);
                }
            }
            batch.buffer().get(tensor);
        }
        ByteBuffer bin = ByteBuffer.allocate(tensor.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bin.asFloatBuffer().put(tensor);
        JsonObject req = new JsonObject().put("inputs", new JsonArray().add(new JsonObject().put("name", "images")
                .put("datatype", "FP32").put("shape", new JsonArray().add(2).add(3).add(320).add(320))
                .put("parameters", new JsonObject().put("binary_data_size", tensor.length * 4))))
                .put("parameters", new JsonObject().put("binary_data_output", true));
        byte[] header = req.toBuffer().getBytes();
        byte[] body = new byte[header.length + bin.capacity()];
        System.arraycopy(header, 0, body, 0, header.length);
        System.arraycopy(bin.array(), 0, body, header.length, bin.capacity());
        double batchedBefore = batchedImages();
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v2/models/shapes/infer"))
                .header("Content-Type", "application/octet-stream")
                .header("Inference-Header-Content-Length", Integer.toString(header.length))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
        // the tensor batch is in the model's metrics beside its detect batches
        assertThat(batchedImages() - batchedBefore).isEqualTo(2.0);
        // the body was read in place by the batch and given back to the pool once both images had run
        Poll.until("the request body is back in the pool", () -> PooledBody.liveBuffers() == 0 && TensorBytes.live() == 0);
        int jsonLen = Integer.parseInt(r.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
        JsonObject json = new JsonObject(Buffer.buffer(r.body()).slice(0, jsonLen));
        assertThat(json.getJsonArray("outputs").getJsonObject(0).getJsonArray("shape").getList())
                .containsExactly(2, 9, 2100);
        FloatBuffer served = ByteBuffer.wrap(r.body(), jsonLen, r.body().length - jsonLen)
                .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();

        Path onnx;
        try (Stream<Path> files = Files.list(cache)) {
            onnx = files.filter(p -> p.toString().endsWith(".onnx")).findFirst().orElseThrow();
        }
        try (Engine engine = Engines.open(new EngineConfig(onnx, Device.CPU, 2, null))) {
            FloatBuffer input = ByteBuffer.allocateDirect(tensor.length * 4).order(ByteOrder.nativeOrder())
                    .asFloatBuffer().put(tensor).flip();
            EngineOutputs outputs = engine.run(input, 2);
            FloatBuffer direct = outputs.get(0).data();
            assertThat(served.remaining()).isEqualTo(direct.remaining()).isEqualTo(2 * 9 * 2100);
            float worst = 0;
            for (int i = 0; i < served.remaining(); i++) {
                worst = Math.max(worst, Math.abs(served.get(i) - direct.get(direct.position() + i)));
            }
            assertThat(worst).as("largest difference to a direct run").isLessThanOrEqualTo(1e-4f);
        }

        // The same tensor over gRPC (raw contents, as Triton's clients send it) gives the same answer.
        ModelInferRequest.InferInputTensor.Builder grpcInput = ModelInferRequest.InferInputTensor.newBuilder()
                .setName("images").setDatatype("FP32").addShape(2).addShape(3).addShape(320).addShape(320);
        Vertx vertx = Vertx.vertx();
        try (GrpcCalls grpc = new GrpcCalls(vertx, server.grpcPort())) {
            GrpcCalls.Result<ModelInferResponse> g = grpc.call("ModelInfer", ModelInferRequest.newBuilder()
                    .setModelName("shapes").addInputs(grpcInput).addRawInputContents(ByteString.copyFrom(bin.array()))
                    .build(), ModelInferResponse.getDefaultInstance());
            assertThat(g.status()).as(g.message()).isEqualTo(GrpcStatus.OK);
            assertThat(g.answer().getOutputs(0).getShapeList()).containsExactly(2L, 9L, 2100L);
            FloatBuffer viaGrpc = g.answer().getRawOutputContents(0).asReadOnlyByteBuffer()
                    .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            assertThat(viaGrpc.remaining()).isEqualTo(served.remaining());
            float worst = 0;
            for (int i = 0; i < served.remaining(); i++) {
                worst = Math.max(worst, Math.abs(served.get(i) - viaGrpc.get(i)));
            }
            assertThat(worst).as("largest difference between the gRPC and the REST answer").isLessThanOrEqualTo(1e-4f);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
