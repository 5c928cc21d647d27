package dev.peregrine.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

/** {@code /v1/models}, health probes, metrics and the demo page's static files. */
class ModelsAndOpsTest extends DefaultServerTestBase {
    @Test
    void listsModelsWithInfoEngineAndBatching() throws Exception {
        HttpResponse<Buffer> r = server.getNow("/v1/models");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject m = r.bodyAsJsonObject().getJsonArray("models").getJsonObject(0);
        assertThat(m.getString("name")).isEqualTo("shapes");
        assertThat(m.getString("state")).isEqualTo("ready");
        assertThat(m.getString("device")).isEqualTo("cpu");
        assertThat(m.getString("engine")).isNotBlank().doesNotContain("TimedDetector");
        assertThat(m.getString("task")).isEqualTo("detect");
        assertThat(m.getJsonArray("classes").getList()).containsExactly("circle", "square", "triangle");
        assertThat(m.getJsonObject("input").getInteger("height")).isEqualTo(640);
        assertThat(m.getString("batch")).isEqualTo("dynamic");
        JsonObject batching = m.getJsonObject("batching");
        assertThat(batching.getInteger("max_batch")).isEqualTo(8);
        assertThat(batching.getInteger("max_queue_items")).isEqualTo(64);
        assertThat(batching.getLong("timeout_ms")).isEqualTo(10_000L);

        HttpResponse<Buffer> one = server.getNow("/v1/models/shapes");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.bodyAsJsonObject()).isEqualTo(m);
        assertThat(server.getNow("/v1/models/other").statusCode()).isEqualTo(404);
    }

    @Test
    void healthProbes() throws Exception {
        HttpResponse<Buffer> live = server.getNow("/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        HttpResponse<Buffer> ready = server.getNow("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.bodyAsJsonObject().getJsonObject("models").getString("shapes")).isEqualTo("ready");
    }

    @Test
    void metricsScrapeCountsRequestsByModelAndStatus() throws Exception {
        assertThat(server.detect("", TestImages.jpeg(16, 16)).statusCode()).isEqualTo(200);
        assertThat(server.detect("conf=2", TestImages.jpeg(16, 16)).statusCode()).isEqualTo(400);

        HttpResponse<Buffer> r = server.getNow("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Content-Type")).startsWith("text/plain");
        String text = r.bodyAsString();
        assertThat(text).contains("shapes");
        assertThat(text.lines().filter(l -> !l.startsWith("#") && l.contains("shapes") && l.contains("200")))
                .as("a request series for status 200").isNotEmpty();
        assertThat(text.lines().filter(l -> !l.startsWith("#") && l.contains("shapes") && l.contains("400")))
                .as("a request series for status 400").isNotEmpty();
    }

    @Test
    void servesTheDemoPage() throws Exception {
        HttpResponse<Buffer> page = server.getNow("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.getHeader("Content-Type")).startsWith("text/html");
        assertThat(page.bodyAsString()).contains("<canvas").contains("app.js");
        HttpResponse<Buffer> js = server.getNow("/app.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.bodyAsString()).contains("/v1/models");
        assertThat(server.getNow("/style.css").statusCode()).isEqualTo(200);
        assertThat(server.getNow("/../pom.xml").statusCode()).isEqualTo(404);
    }
}
