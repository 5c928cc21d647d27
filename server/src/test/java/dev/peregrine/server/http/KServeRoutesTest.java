package dev.peregrine.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Open Inference Protocol routes, with JSON tensors and the binary tensor data extension. */
class KServeRoutesTest extends DefaultServerTestBase {
    private static final int PER_IMAGE = 3 * FakeTensorModel.H * FakeTensorModel.W;

    /** {@code batch} images whose values are {@code 0.01 * i}. */
    private static float[] input(int batch) {
        float[] v = new float[batch * PER_IMAGE];
        for (int i = 0; i < v.length; i++) {
            v[i] = 0.01f * i;
        }
        return v;
    }

    private static JsonObject inputJson(int batch, JsonArray data) {
        return new JsonObject().put("name", "images").put("datatype", "FP32")
                .put("shape", new JsonArray().add(batch).add(3).add(FakeTensorModel.H).add(FakeTensorModel.W))
                .put("data", data);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void serverMetadataAndHealth() throws Exception {
        JsonObject meta = server.getNow("/v2").bodyAsJsonObject();
        assertThat(meta.getString("name")).isEqualTo("peregrine");
        assertThat(meta.getJsonArray("extensions").getList()).contains("binary_tensor_data");
        assertThat(server.getNow("/v2/health/live").statusCode()).isEqualTo(200);
        assertThat(server.getNow("/v2/health/ready").statusCode()).isEqualTo(200);
        assertThat(server.getNow("/v2/models/shapes/ready").statusCode()).isEqualTo(200);
        assertThat(server.getNow("/v2/models/nope/ready").statusCode()).isEqualTo(404);
    }

    /** The repository index lists the served models with Triton's states; load and unload say why they cannot. */
    @Test
    void repositoryIndexListsModelsAndModelControlIsRefused() throws Exception {
        HttpResponse<Buffer> all = server.postBytes("/v2/repository/index", "application/json", bytes(""));
        assertThat(all.statusCode()).isEqualTo(200);
        JsonObject shapes = all.bodyAsJsonArray().getJsonObject(0);
        assertThat(shapes.getString("name")).isEqualTo("shapes");
        assertThat(shapes.getString("version")).isEqualTo("1");
        assertThat(shapes.getString("state")).isEqualTo("READY");
        assertThat(all.bodyAsJsonArray()).hasSize(1);
        assertThat(server.postBytes("/v2/repository/index", "application/json", bytes("{\"ready\": true}"))
                .bodyAsJsonArray()).hasSize(1);

        HttpResponse<Buffer> bad = server.postBytes("/v2/repository/index", "application/json", bytes("[1, 2]"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.bodyAsString()).contains("not a JSON object");
        HttpResponse<Buffer> big = server.postBytes("/v2/repository/index", "application/json",
                bytes("{\"x\": \"" + "a".repeat(70_000) + "\"}"));
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(big.bodyAsString()).contains("repository requests are small JSON objects");

        for (String action : new String[] {"load", "unload"}) {
            HttpResponse<Buffer> r = server.postBytes("/v2/repository/models/shapes/" + action, "application/json",
                    bytes(""));
            assertThat(r.statusCode()).as(action).isEqualTo(422);
            assertThat(r.bodyAsString()).contains("cannot " + action + " model 'shapes'")
                    .contains("explicit model control is not available");
        }
    }

    @Test
    void modelMetadataDescribesTensors() throws Exception {
        JsonObject m = server.getNow("/v2/models/shapes").bodyAsJsonObject();
        assertThat(m.getString("name")).isEqualTo("shapes");
        assertThat(m.getString("platform")).isEqualTo("onnxruntime_onnx");
        JsonObject in = m.getJsonArray("inputs").getJsonObject(0);
        assertThat(in.getString("name")).isEqualTo("images");
        assertThat(in.getString("datatype")).isEqualTo("FP32");
        assertThat(in.getJsonArray("shape").getList()).containsExactly(-1, 3, 4, 4);
        JsonObject out = m.getJsonArray("outputs").getJsonObject(0);
        assertThat(out.getString("name")).isEqualTo("output0");
        assertThat(out.getJsonArray("shape").getList()).containsExactly(-1, 2, 3);
    }

    @Test
    void jsonInferWithNestedDataReturnsTheRawOutput() throws Exception {
        float[] values = input(2);
        // nested [2][3][4][4] as a client library would send it
        JsonArray nested = new JsonArray();
        int i = 0;
        for (int b = 0; b < 2; b++) {
            JsonArray ch = new JsonArray();
            for (int c = 0; c < 3; c++) {
                JsonArray rows = new JsonArray();
                for (int y = 0; y < FakeTensorModel.H; y++) {
                    JsonArray row = new JsonArray();
                    for (int x = 0; x < FakeTensorModel.W; x++) {
                        row.add(values[i++]);
                    }
                    rows.add(row);
                }
                ch.add(rows);
            }
            nested.add(ch);
        }
        JsonObject req = new JsonObject().put("id", "req-7").put("inputs", new JsonArray().add(inputJson(2, nested)));
        HttpResponse<Buffer> r = TestServer.await(server.post("/v2/models/shapes/infer").sendJsonObject(req));

        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        JsonObject body = r.bodyAsJsonObject();
        assertThat(body.getString("model_name")).isEqualTo("shapes");
        assertThat(body.getString("id")).isEqualTo("req-7");
        JsonObject out = body.getJsonArray("outputs").getJsonObject(0);
        assertThat(out.getString("name")).isEqualTo("output0");
        assertThat(out.getString("datatype")).isEqualTo("FP32");
        assertThat(out.getJsonArray("shape").getList()).containsExactly(2, 2, 3);
        float[] expected = FakeTensorModel.expected(FloatBuffer.wrap(values), 2);
        JsonArray data = out.getJsonArray("data");
        assertThat(data).hasSize(expected.length);
        for (int k = 0; k < expected.length; k++) {
            assertThat(data.getFloat(k)).as("output[%d]", k).isEqualTo(expected[k]);
        }
    }

    @Test
    void binaryInferInAndOut() throws Exception {
        float[] values = input(3);
        ByteBuffer bin = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bin.asFloatBuffer().put(values);
        JsonObject in = new JsonObject().put("name", "images").put("datatype", "FP32")
                .put("shape", new JsonArray().add(3).add(3).add(4).add(4))
                .put("parameters", new JsonObject().put("binary_data_size", values.length * 4));
        JsonObject req = new JsonObject().put("inputs", new JsonArray().add(in))
                .put("outputs", new JsonArray().add(new JsonObject().put("name", "output0")
                        .put("parameters", new JsonObject().put("binary_data", true))));
        Buffer header = req.toBuffer();
        Buffer body = Buffer.buffer().appendBuffer(header).appendBytes(bin.array());

        HttpResponse<Buffer> r = TestServer.await(server.post("/v2/models/shapes/infer")
                .putHeader("Content-Type", "application/octet-stream")
                .putHeader("Inference-Header-Content-Length", Integer.toString(header.length()))
                .sendBuffer(body));

        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        int jsonLen = Integer.parseInt(r.getHeader("Inference-Header-Content-Length"));
        Buffer all = r.bodyAsBuffer();
        JsonObject json = new JsonObject(all.slice(0, jsonLen));
        JsonObject out = json.getJsonArray("outputs").getJsonObject(0);
        assertThat(out.containsKey("data")).isFalse();
        float[] expected = FakeTensorModel.expected(FloatBuffer.wrap(values), 3);
        assertThat(out.getJsonObject("parameters").getLong("binary_data_size")).isEqualTo(expected.length * 4L);
        assertThat(all.length() - jsonLen).isEqualTo(expected.length * 4);
        for (int k = 0; k < expected.length; k++) {
            assertThat(all.getFloatLE(jsonLen + 4 * k)).as("output[%d]", k).isEqualTo(expected[k]);
        }
    }

    @Test
    void binaryDataOutputParameterAsksForBinaryOutputs() throws Exception {
        JsonArray flat = new JsonArray();
        for (float v : input(1)) {
            flat.add(v);
        }
        JsonObject req = new JsonObject().put("inputs", new JsonArray().add(inputJson(1, flat)))
                .put("parameters", new JsonObject().put("binary_data_output", true));
        HttpResponse<Buffer> r = TestServer.await(server.post("/v2/models/shapes/infer").sendJsonObject(req));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Inference-Header-Content-Length")).isNotNull();
    }

    /** A request with one input tensor, and optionally one requested output. */
    private static String request(String name, String datatype, String shape, String data, String output) {
        String in = "{\"name\":\"" + name + "\",\"datatype\":\"" + datatype + "\",\"shape\":" + shape
                + ",\"data\":" + data + "}";
        return "{\"inputs\":[" + in + "]" + (output == null ? "" : ",\"outputs\":[{\"name\":\"" + output + "\"}]")
                + "}";
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("wrong input name", request("x", "FP32", "[1,3,4,4]", "[]", null), "unknown input 'x'"),
                Arguments.of("wrong datatype", request("images", "INT8", "[1,3,4,4]", "[]", null), "datatype FP32"),
                Arguments.of("wrong shape", request("images", "FP32", "[1,3,5,4]", "[]", null), "shape [1, 3, 5, 4]"),
                Arguments.of("too few values", request("images", "FP32", "[1,3,4,4]", "[1,2]", null), "has 2 values"),
                Arguments.of("strings as data", request("images", "FP32", "[1,3,4,4]", "[\"a\"]", null),
                        "only numbers"),
                Arguments.of("unknown output", request("images", "FP32", "[1,3,4,4]", "[]", "output9"),
                        "unknown output"),
                Arguments.of("no inputs", "{\"outputs\":[]}", "exactly one tensor"),
                Arguments.of("not json", "this is not json", "not a JSON object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badInferRequestsAre400(String what, String body, String message) throws Exception {
        HttpResponse<Buffer> r = server.postBytes("/v2/models/shapes/infer", "application/json", body.getBytes());
        assertThat(r.statusCode()).as(what).isEqualTo(400);
        assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("bad_input");
        assertThat(r.bodyAsJsonObject().getString("message")).contains(message);
    }

    @Test
    void binarySizeMismatchIs400() throws Exception {
        JsonObject in = new JsonObject().put("name", "images").put("datatype", "FP32")
                .put("shape", new JsonArray().add(1).add(3).add(4).add(4))
                .put("parameters", new JsonObject().put("binary_data_size", 8));
        Buffer header = new JsonObject().put("inputs", new JsonArray().add(in)).toBuffer();
        HttpResponse<Buffer> r = TestServer.await(server.post("/v2/models/shapes/infer")
                .putHeader("Inference-Header-Content-Length", Integer.toString(header.length()))
                .sendBuffer(Buffer.buffer().appendBuffer(header).appendBytes(new byte[8])));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.bodyAsJsonObject().getString("message")).contains("binary_data_size 8").contains("192 bytes");
    }

    @Test
    void imagesPostedToInferAre415() throws Exception {
        HttpResponse<Buffer> r = server.postBytes("/v2/models/shapes/infer", "image/jpeg", TestImages.jpeg(8, 8));
        assertThat(r.statusCode()).isEqualTo(415);
    }

    @Test
    void modelWithoutTensorViewIs422(Vertx vertx) throws Exception {
        try (TestServer plain = TestServer.start(vertx, HttpServerConfig.defaults(0), new FakeDetector(0),
                TestServer.policy(4, 16, Duration.ofSeconds(5)), TensorModels.NONE)) {
            HttpResponse<Buffer> r = plain.postBytes("/v2/models/shapes/infer", "application/json",
                    "{\"inputs\":[]}".getBytes());
            assertThat(r.statusCode()).isEqualTo(422);
            assertThat(r.bodyAsJsonObject().getString("message")).contains("/v1/models/shapes/detect");
            assertThat(plain.getNow("/v2/models/shapes").bodyAsJsonObject().getJsonArray("inputs")).isEmpty();
        }
    }
}
