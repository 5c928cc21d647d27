package dev.peregrine.bench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.bench.run.BenchProgress;
import dev.peregrine.bench.run.EncodedImage;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.server.http.DemoModelServer;
import dev.peregrine.testing.Fixtures;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loadgen --protocol v2-rest|v2-grpc} against a real server on the demo model: the tensors it prepares are
 * accepted and run in the server's batches over both bindings, and what does not fit is refused up front.
 */
class TensorProtocolsTest {
    @TempDir
    static Path cache;
    private static DemoModelServer server;
    private static List<EncodedImage> images;

    @BeforeAll
    static void start() throws Exception {
        Fixtures.root(); // skip without the reference fixtures (fail on CI)
        images = new ArrayList<>();
        for (String f : List.of("000001.jpg", "000002.jpg", "000003.jpg")) {
            images.add(new EncodedImage(f, Files.readAllBytes(Fixtures.file("trained/images/val/" + f))));
        }
        server = DemoModelServer.start(cache);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static LoadgenSettings settings(String model, Protocol protocol, int batch, Duration timeout) {
        return new LoadgenSettings(URI.create("http://127.0.0.1:" + server.port()), model, protocol, batch,
                server.grpcPort(), List.of(1, 3), null, Duration.ZERO, Duration.ofSeconds(60), 8, timeout, "test");
    }

    @Test
    void restAndGrpcTensorsRunInTheServersBatches() throws Exception {
        for (Protocol protocol : List.of(Protocol.V2_REST, Protocol.V2_GRPC)) {
            LoadgenSettings s = settings("shapes", protocol, 2, Duration.ofSeconds(30));
            try (LoadGenerator gen = new LoadGenerator(s, images)) {
                List<StepResult> steps = gen.run(BenchProgress.NONE);
                JsonNode json = LoadgenReport.json(s, steps, List.of(), List.of());
                assertThat(json.path("protocol").asText()).isEqualTo(protocol.cliName());
                assertThat(json.path("images_per_request").asInt()).isEqualTo(2);
                assertThat(json.path("steps").get(0).path("images_per_s").asDouble())
                        .isEqualTo(2 * steps.get(0).okPerSecond());
                assertThat(LoadgenReport.markdown(s, steps, List.of(), List.of()))
                        .contains("- Protocol: " + protocol.cliName() + ", 2 image(s) per request")
                        .doesNotContain("Outside detector");
                for (StepResult step : steps) {
                    String what = protocol.cliName() + " " + step.label();
                    assertThat(step.sent()).as(what).isEqualTo(8);
                    assertThat(step.ok()).as(what + ": %s", step.outcomes()).isEqualTo(8);
                    assertThat(step.errors()).as(what).isZero();
                    assertThat(step.outsideDetector()).as("the tensor routes report no stage times").isNull();
                    ServerSideFigures f = step.server();
                    assertThat(f).as(what + ": " + step.note()).isNotNull();
                    assertThat(f.requests()).as(what).isEqualTo(Map.of("200", 8L));
                    // 8 requests of 2 images each went through the batcher, however it grouped them
                    long batchedImages = f.batchSizes().entrySet().stream()
                            .mapToLong(e -> e.getKey() * e.getValue()).sum();
                    assertThat(batchedImages).as(what + ": " + f.batchSizes()).isEqualTo(16);
                }
            }
        }
    }

    @Test
    void aMissedDeadlineIsCountedAsATimeoutOrTheServersStatus() throws Exception {
        LoadgenSettings s = new LoadgenSettings(URI.create("http://127.0.0.1:" + server.port()), "shapes",
                Protocol.V2_GRPC, 4, server.grpcPort(), List.of(1), null, Duration.ZERO, Duration.ofSeconds(60), 3,
                Duration.ofMillis(1), "test");
        try (LoadGenerator gen = new LoadGenerator(s, images)) {
            StepResult step = gen.run(BenchProgress.NONE).get(0);
            assertThat(step.ok()).isZero();
            // the deadline (1 ms) passes while the 4.9 MB message is written: this side resets the stream, unless
            // the server got it first and answered with the status
            assertThat(step.outcomes().keySet()).isSubsetOf("timeout", "DEADLINE_EXCEEDED");
            assertThat(step.errors()).isEqualTo(3);
        }
    }

    @Test
    void anUnknownModelIsRefusedBeforeAnyStep() {
        assertThatThrownBy(() -> new LoadGenerator(settings("nope", Protocol.V2_REST, 1, Duration.ofSeconds(10)),
                images)).isInstanceOf(PeregrineException.class).hasMessageContaining("/v2/models/nope")
                .hasMessageContaining("404");
        assertThatThrownBy(() -> new LoadGenerator(settings("nope", Protocol.V2_GRPC, 1, Duration.ofSeconds(10)),
                images)).isInstanceOf(PeregrineException.class).hasMessageContaining("ModelMetadata")
                .hasMessageContaining("NOT_FOUND");
    }
}
