package dev.peregrine.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code POST /v1/models/{name}/detect} against a fake detector: answers, options and every 4xx path. */
class DetectRoutesTest extends DefaultServerTestBase {
    @Test
    void detectsOneJpegWithTheDocumentedJsonShape() throws Exception {
        HttpResponse<Buffer> r = server.detect("", TestImages.jpeg(320, 240));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Content-Type")).startsWith("application/json");
        JsonObject body = r.bodyAsJsonObject();
        assertThat(body.getString("model")).isEqualTo("shapes");
        JsonArray images = body.getJsonArray("images");
        assertThat(images).hasSize(1);
        JsonObject img = images.getJsonObject(0);
        assertThat(img.getInteger("width")).isEqualTo(320);
        assertThat(img.getInteger("height")).isEqualTo(240);
        // default conf 0.25 keeps both fake boxes (0.9 and 0.4)
        JsonArray dets = img.getJsonArray("detections");
        assertThat(dets).hasSize(2);
        JsonObject first = dets.getJsonObject(0);
        JsonObject box = first.getJsonObject("box");
        assertThat(box.getDouble("x1")).isCloseTo(32.0, offset(1e-3));
        assertThat(box.getDouble("y1")).isCloseTo(24.0, offset(1e-3));
        assertThat(box.getDouble("x2")).isCloseTo(160.0, offset(1e-3));
        assertThat(box.getDouble("y2")).isCloseTo(120.0, offset(1e-3));
        assertThat(first.getDouble("score")).isCloseTo(0.9, offset(1e-6));
        assertThat(first.getInteger("class_id")).isZero();
        assertThat(first.getString("class_name")).isEqualTo("circle");
        assertThat(dets.getJsonObject(1).getString("class_name")).isEqualTo("triangle");
        JsonObject timing = img.getJsonObject("timing_ms");
        assertThat(timing.fieldNames()).containsExactlyInAnyOrder("queue", "preprocess", "inference", "postprocess",
                "total");
        for (String k : timing.fieldNames()) {
            assertThat(timing.getDouble(k)).as(k).isGreaterThanOrEqualTo(0.0);
        }
        // The stages follow one another without overlap inside the exchange: together at most the total (each
        // figure is rounded to the microsecond).
        double stages = timing.getDouble("preprocess") + timing.getDouble("queue") + timing.getDouble("inference")
                + timing.getDouble("postprocess");
        assertThat(stages).isLessThanOrEqualTo(timing.getDouble("total") + 0.003);
        Poll.until("the prepared image is closed", () -> server.detector.open.get() == 0);
    }

    @Test
    void queryOptionsReachTheDetector() throws Exception {
        JsonArray highConf = server.detect("conf=0.5", TestImages.jpeg(64, 64)).bodyAsJsonObject()
                .getJsonArray("images").getJsonObject(0).getJsonArray("detections");
        assertThat(highConf).hasSize(1);
        assertThat(highConf.getJsonObject(0).getString("class_name")).isEqualTo("circle");

        JsonArray onlyTriangles = server.detect("classes=2&iou=0.5&max_det=10", TestImages.jpeg(64, 64))
                .bodyAsJsonObject().getJsonArray("images").getJsonObject(0).getJsonArray("detections");
        assertThat(onlyTriangles).hasSize(1);
        assertThat(onlyTriangles.getJsonObject(0).getInteger("class_id")).isEqualTo(2);

        JsonArray maxOne = server.detect("max_det=1", TestImages.jpeg(64, 64)).bodyAsJsonObject()
                .getJsonArray("images").getJsonObject(0).getJsonArray("detections");
        assertThat(maxOne).hasSize(1);
    }

    @Test
    void multipartImagesAreAnsweredInOrder() throws Exception {
        List<byte[]> images = List.of(TestImages.jpeg(100, 50), TestImages.encoded(60, 90, "png"),
                TestImages.jpeg(33, 44));
        HttpResponse<Buffer> r = server.detectMultipart("image", images);

        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        JsonArray out = r.bodyAsJsonObject().getJsonArray("images");
        assertThat(out).hasSize(3);
        assertThat(out.getJsonObject(0).getInteger("width")).isEqualTo(100);
        assertThat(out.getJsonObject(1).getInteger("width")).isEqualTo(60);
        assertThat(out.getJsonObject(1).getInteger("height")).isEqualTo(90);
        assertThat(out.getJsonObject(2).getInteger("height")).isEqualTo(44);
    }

    @Test
    void annotateAnswersAJpegOfTheSameSize() throws Exception {
        HttpResponse<Buffer> viaQuery = server.detect("annotate=true", TestImages.jpeg(200, 100));
        assertThat(viaQuery.statusCode()).isEqualTo(200);
        assertThat(viaQuery.getHeader("Content-Type")).isEqualTo("image/jpeg");
        byte[] jpeg = viaQuery.bodyAsBuffer().getBytes();
        var header = dev.peregrine.engines.image.ImageDecoder.probe(jpeg);
        assertThat(header.format()).isEqualTo("jpeg");
        assertThat(header.width()).isEqualTo(200);
        assertThat(header.height()).isEqualTo(100);

        HttpResponse<Buffer> viaAccept = TestServer.await(server.post("/v1/models/shapes/detect")
                .putHeader("Content-Type", "image/jpeg").putHeader("Accept", "image/jpeg")
                .sendBuffer(Buffer.buffer(TestImages.jpeg(200, 100))));
        assertThat(viaAccept.statusCode()).isEqualTo(200);
        assertThat(viaAccept.getHeader("Content-Type")).isEqualTo("image/jpeg");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "conf=abc|conf",
        "conf=1.5|conf",
        "iou=-0.1|iou",
        "max_det=0|max_det",
        "max_det=1e3|max_det",
        "classes=7|classes",
        "classes=0,,1|classes",
        "classes=x|classes",
        "annotate=maybe|annotate",
        "timeout_ms=0|timeout_ms",
        "timeout_ms=soon|timeout_ms",
        "confidence=0.5|unknown query parameter 'confidence'",
        "conf=0.1&conf=0.2|given 2 times"})
    void badQueryValuesAre400NamingTheParameter(String query, String named) throws Exception {
        HttpResponse<Buffer> r = server.detect(query, TestImages.jpeg(32, 32));

        assertThat(r.statusCode()).isEqualTo(400);
        JsonObject err = r.bodyAsJsonObject();
        assertThat(err.getString("error")).isEqualTo("bad_input");
        assertThat(err.getString("message")).contains(named);
        assertThat(server.detector.prepared.get()).as("nothing decoded for a bad query").isZero();
    }

    @Test
    void unknownModelIs404AndMalformedNameIs400() throws Exception {
        HttpResponse<Buffer> unknown = server.postBytes("/v1/models/nope/detect", "image/jpeg", TestImages.jpeg(8, 8));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.bodyAsJsonObject().getString("error")).isEqualTo("not_found");
        assertThat(unknown.bodyAsJsonObject().getString("message")).contains("unknown model 'nope'").contains("shapes");

        HttpResponse<Buffer> traversal = server.postBytes("/v1/models/%2E%2E%2Fetc%2Fpasswd/detect", "image/jpeg",
                TestImages.jpeg(8, 8));
        assertThat(traversal.statusCode()).isEqualTo(400);
        assertThat(traversal.bodyAsJsonObject().getString("message")).contains("invalid model name");

        HttpResponse<Buffer> noRoute = server.getNow("/v1/nothing-here");
        assertThat(noRoute.statusCode()).isEqualTo(404);
        assertThat(noRoute.bodyAsJsonObject().getString("error")).isEqualTo("not_found");
    }

    @Test
    void wrongContentTypeIs415() throws Exception {
        HttpResponse<Buffer> r = server.postBytes("/v1/models/shapes/detect", "text/plain", "hello".getBytes());
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("unsupported_media_type");
        assertThat(r.bodyAsJsonObject().getString("message")).contains("text/plain").contains("image/jpeg");

        HttpResponse<Buffer> none = server.postBytes("/v1/models/shapes/detect", null, TestImages.jpeg(8, 8));
        assertThat(none.statusCode()).isEqualTo(415);
    }

    @Test
    void textPostedAsAnImageIs400() throws Exception {
        HttpResponse<Buffer> r = server.postBytes("/v1/models/shapes/detect", "image/jpeg",
                "this is not an image".getBytes());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("bad_input");
        assertThat(r.bodyAsJsonObject().getString("message")).isNotBlank();
    }

    @Test
    void truncatedJpegIs400() throws Exception {
        HttpResponse<Buffer> r = server.detect("", TestImages.truncatedJpeg());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.bodyAsJsonObject().getString("message")).contains("truncated");
    }

    @Test
    void emptyBodyIs400() throws Exception {
        HttpResponse<Buffer> r = server.detect("", new byte[0]);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.bodyAsJsonObject().getString("message")).contains("empty");
    }

    @Test
    void hugeDeclaredDimensionsAre413BeforeDecoding() throws Exception {
        HttpResponse<Buffer> r = server.postBytes("/v1/models/shapes/detect", "image/png",
                TestImages.pngHeader(100_000, 100_000));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("too_large");
        assertThat(r.bodyAsJsonObject().getString("message")).contains("100000x100000").contains("--max-pixels");
        assertThat(server.detector.prepared.get()).isZero();
    }

    @Test
    void multipartWithoutImagePartIs400() throws Exception {
        HttpResponse<Buffer> r = server.detectMultipart("file", List.of(TestImages.jpeg(8, 8)));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.bodyAsJsonObject().getString("message")).contains("'file'").contains("'image'");
    }

    @Test
    void annotateWithSeveralImagesIs400() throws Exception {
        io.vertx.ext.web.multipart.MultipartForm form = io.vertx.ext.web.multipart.MultipartForm.create()
                .binaryFileUpload("image", "a.jpg", Buffer.buffer(TestImages.jpeg(8, 8)), "image/jpeg")
                .binaryFileUpload("image", "b.jpg", Buffer.buffer(TestImages.jpeg(8, 8)), "image/jpeg");
        HttpResponse<Buffer> r = TestServer.await(server.post("/v1/models/shapes/detect?annotate=1")
                .sendMultipartForm(form));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.bodyAsJsonObject().getString("message")).contains("annotate");
    }

    @Test
    void getOnTheDetectRouteIs405() throws Exception {
        HttpResponse<Buffer> r = server.getNow("/v1/models/shapes/detect");
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("method_not_allowed");
    }

    @Test
    void corsIsOffByDefault() throws Exception {
        HttpResponse<Buffer> r = TestServer.await(server.post("/v1/models/shapes/detect")
                .putHeader("Origin", "https://example.org").putHeader("Content-Type", "image/jpeg")
                .sendBuffer(Buffer.buffer(TestImages.jpeg(8, 8))));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Access-Control-Allow-Origin")).isNull();
    }
}
