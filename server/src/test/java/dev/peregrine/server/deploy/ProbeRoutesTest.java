package dev.peregrine.server.deploy;

import dev.peregrine.engines.Device;
import dev.peregrine.server.batch.BatchPolicy;
import dev.peregrine.server.http.HttpServerConfig;
import dev.peregrine.server.http.ServerRuntime;
import dev.peregrine.server.http.TensorModels;
import dev.peregrine.server.model.ModelSpec;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every HTTP path a deployment file relies on (health checks, probes, scrape paths: {@link DeclaredHttpPaths}) is
 * answered 200 by the real server once its model is loaded, and {@code /metrics} carries the queue gauge the HPAs
 * scale on. The server runs on loopback, port 0, with an engine-less detector.
 */
class ProbeRoutesTest {

    @Test
    void everyDeclaredPathAnswers200OnTheRealServer() throws Exception {
        Map<String, TreeSet<String>> declared = DeclaredHttpPaths.collect();
        assertThat(declared.keySet()).contains("/health/ready", "/health/live", "/metrics", "/v2/health/ready",
                "/v2/health/live");

        ModelSpec spec = ModelSpec.of("shapes", Path.of("shapes.onnx"), Device.parse("cpu"), BatchPolicy.defaults(4),
                1);
        try (ServerRuntime runtime = ServerRuntime.start(HttpServerConfig.defaults(0), List.of(spec),
                s -> new ProbeDetector(), TensorModels.NONE)) {
            runtime.registry().loaded().get(30, TimeUnit.SECONDS);
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            for (Map.Entry<String, TreeSet<String>> e : declared.entrySet()) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + runtime.port() + e.getKey())).timeout(Duration.ofSeconds(10))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as("GET " + e.getKey() + " (declared by " + e.getValue() + ")")
                        .isEqualTo(200);
                if (e.getKey().equals("/metrics")) {
                    assertThat(r.body()).as("the HPAs' queue metric").contains("peregrine_queue_items{model=\"shapes\"}");
                }
            }
        }
    }
}
