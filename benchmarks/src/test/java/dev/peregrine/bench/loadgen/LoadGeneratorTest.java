package dev.peregrine.bench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.bench.run.BenchProgress;
import dev.peregrine.bench.run.EncodedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadGeneratorTest {
    private static final List<EncodedImage> IMAGES = List.of(new EncodedImage("a.jpg", new byte[] {1, 2, 3}),
            new EncodedImage("b.png", new byte[] {4, 5}));

    @TempDir
    Path dir;

    private static LoadgenSettings settings(FakeDetectServer server, List<Integer> concurrency, Double rate,
            Duration duration, long max, Duration timeout) {
        return LoadgenSettings.detect(server.url(), "shapes", concurrency, rate, Duration.ZERO, duration, max, timeout,
                "test");
    }

    @Test
    void closedLoopStepsCountOutcomesAndReadServerBatchesByDelta() throws Exception {
        // Each answer takes longer than the detector time it reports (4 ms > DETECTOR_MS), as a real one does: the
        // time outside the detector is then never clamped at zero.
        try (FakeDetectServer server = new FakeDetectServer(4, 4, true);
             LoadGenerator gen = new LoadGenerator(settings(server, List.of(1, 4), null, Duration.ofSeconds(30), 12,
                     Duration.ofSeconds(10)), IMAGES)) {
            List<StepResult> steps = gen.run(BenchProgress.NONE);
            assertThat(steps).extracting(StepResult::label).containsExactly("concurrency 1", "concurrency 4");
            for (StepResult s : steps) {
                // 12 requests per step; the server fails every 4th of its running count: 3 per step
                assertThat(s.sent()).isEqualTo(12);
                assertThat(s.outcomes()).containsExactlyInAnyOrderEntriesOf(Map.of("200", 9L, "503", 3L));
                assertThat(s.ok()).isEqualTo(9);
                assertThat(s.errors()).isEqualTo(3);
                assertThat(s.latency().count()).isEqualTo(9);
                // each 200 said its detector took 3 ms: the rest of its latency is outside the detector
                assertThat(s.outsideDetector().count()).isEqualTo(9);
                assertThat(s.outsideDetector().p50Ms())
                        .isCloseTo(s.latency().p50Ms() - FakeDetectServer.DETECTOR_MS, within(1e-3));
                ServerSideFigures f = s.server();
                assertThat(f).as(s.note()).isNotNull();
                assertThat(f.batches()).isEqualTo(9);
                assertThat(f.batchSizes().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(9);
                assertThat(f.queueMeanMs()).isCloseTo(3.0, within(1e-6));
                assertThat(f.queueP50MaxMs()).isEqualTo(5.0);
                assertThat(f.requests()).containsEntry("200", 9L).containsEntry("503", 3L);
            }
            // Step 1 got requests 1..12: the 200s were numbers 1,2,3,5,6,7,9,10,11 -> sizes 1,2,1,1,2,1,1,2,1
            assertThat(steps.get(0).server().batchSizes()).containsExactly(entry(1, 6L), entry(2, 3L));
            assertThat(server.requests()).isEqualTo(24);
            assertThat(server.wrongBodies()).isZero();

            List<Path> files = LoadgenReport.write(settings(server, List.of(1, 4), null,
                    Duration.ofSeconds(30), 12, Duration.ofSeconds(10)), steps, null, List.of(1.0, 1.0, 1.0), List.of(),
                    dir);
            JsonNode json = new ObjectMapper().readTree(Files.readString(files.get(1)));
            assertThat(json.path("steps")).hasSize(2);
            assertThat(json.path("steps").get(1).path("outcomes").path("503").asLong()).isEqualTo(3);
            assertThat(json.path("steps").get(0).path("server").path("batch_sizes").path("2").asLong()).isEqualTo(3);
            assertThat(Files.readString(files.get(0))).contains("| concurrency 4 | 12 | 9 |");
            assertThat(LoadgenReport.table(steps, 1)).contains("concurrency 1").contains("200×9 503×3");
        }
    }

    @Test
    void warmUpRequestsAreSentButNotCounted() throws Exception {
        try (FakeDetectServer server = new FakeDetectServer(0, 0, true);
             LoadGenerator gen = new LoadGenerator(LoadgenSettings.detect(server.url(), "shapes", List.of(2), null,
                     Duration.ofMillis(300), Duration.ofSeconds(30), 5, Duration.ofSeconds(10), "test"), IMAGES)) {
            StepResult s = gen.run(BenchProgress.NONE).get(0);
            assertThat(s.sent()).isEqualTo(5);
            assertThat(s.latency().count()).isEqualTo(5);
            assertThat(s.server().requests()).containsEntry("200", 5L); // the /metrics delta spans the step only
            assertThat(server.requests()).as("warm-up requests reached the server").isGreaterThan(5);
        }
    }

    @Test
    void openLoopStopsAtTheRequestBudget() throws Exception {
        try (FakeDetectServer server = new FakeDetectServer(0, 0, true);
             LoadGenerator gen = new LoadGenerator(settings(server, List.of(), 500.0, Duration.ofSeconds(30), 10,
                     Duration.ofSeconds(10)), IMAGES)) {
            List<StepResult> steps = gen.run(BenchProgress.NONE);
            assertThat(steps).singleElement().satisfies(s -> {
                assertThat(s.label()).isEqualTo("rate 500.0/s");
                assertThat(s.sent()).isEqualTo(10);
                assertThat(s.ok()).isEqualTo(10);
                assertThat(s.server().batches()).isEqualTo(10);
            });
            assertThat(server.requests()).isEqualTo(10);
        }
    }

    @Test
    void slowServerTimesOutAndMissingMetricsAreNoted() throws Exception {
        try (FakeDetectServer server = new FakeDetectServer(0, 1500, false);
             LoadGenerator gen = new LoadGenerator(settings(server, List.of(2), null, Duration.ofSeconds(30), 2,
                     Duration.ofMillis(300)), IMAGES)) {
            StepResult s = gen.run(BenchProgress.NONE).get(0);
            assertThat(s.sent()).isEqualTo(2);
            assertThat(s.outcomes()).containsEntry("timeout", 2L);
            assertThat(s.ok()).isZero();
            assertThat(s.server()).isNull();
            assertThat(s.note()).contains("/metrics").contains("404");
        }
    }

    @Test
    void mediaTypesFollowTheExtension() {
        assertThat(DetectClient.mediaType("x.PNG")).isEqualTo("image/png");
        assertThat(DetectClient.mediaType("x.webp")).isEqualTo("image/webp");
        assertThat(DetectClient.mediaType("x.jpeg")).isEqualTo("image/jpeg");
    }
}
