package dev.peregrine.bench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.peregrine.bench.run.BenchProgress;
import dev.peregrine.bench.run.EncodedImage;
import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.Detector;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PreparedImage;
import dev.peregrine.testing.StubPreparedImage;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class BareComparisonTest {
    private static final List<EncodedImage> IMAGES = List.of(new EncodedImage("a.jpg", new byte[] {1, 2, 3}),
            new EncodedImage("b.jpg", new byte[] {4, 5}));

    /** A detector that takes {@code millis} per image and counts the images it saw. */
    private static final class SleepingDetector implements Detector {
        final long millis;
        final List<Integer> seen = new ArrayList<>();

        SleepingDetector(long millis) {
            this.millis = millis;
        }

        @Override
        public ModelInfo info() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int maxBatch() {
            return 1;
        }

        @Override
        public PreparedImage prepare(byte[] encoded) {
            seen.add(encoded.length);
            return new StubPreparedImage(1, 1, encoded.length);
        }

        @Override
        public List<List<Detection>> detect(List<? extends PreparedImage> images, DetectOptions options) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return images.stream().map(i -> List.<Detection>of()).toList();
        }

        @Override
        public void close() {
        }
    }

    private static DetectClient clientOf(FakeDetectServer server) {
        return new DetectClient(server.url().resolve("/v1/models/shapes/detect"), IMAGES, 1, Duration.ofSeconds(10));
    }

    @Test
    void serverSlowerThanTheBareDetectorShowsItsOverheadBothWays() throws Exception {
        SleepingDetector bare = new SleepingDetector(2);
        try (FakeDetectServer server = new FakeDetectServer(0, 12, true);
             DetectClient client = clientOf(server)) {
            BareComparison.Result r = BareComparison.run(client, bare, IMAGES, Duration.ofMillis(100),
                    Duration.ofSeconds(1), BenchProgress.NONE);
            assertThat(r.failure()).isNull();
            assertThat(r.rounds()).isEqualTo(1);
            assertThat(r.server().count()).isPositive();
            assertThat(r.bare().count()).isPositive();
            // The fake server sleeps 12 ms per request and the bare detector 2 ms per image.
            assertThat(r.server().p50Ms()).isGreaterThanOrEqualTo(12.0);
            assertThat(r.bare().p50Ms()).isGreaterThanOrEqualTo(2.0).isLessThan(r.server().p50Ms());
            assertThat(r.overheadP50Ms()).isCloseTo(r.server().p50Ms() - r.bare().p50Ms(), within(1e-9))
                    .isGreaterThan(5.0);
            // The fake reports 3 ms of detector time per answer; the rest is counted outside the detector. The
            // comparison times the whole subject call, the split only the request inside it: a few microseconds apart.
            assertThat(r.outsideDetector().count()).isEqualTo(r.server().count());
            assertThat(r.outsideDetector().p50Ms())
                    .isCloseTo(r.server().p50Ms() - FakeDetectServer.DETECTOR_MS, within(0.5));
            // Both sides cycle the same images from the first one.
            assertThat(bare.seen.subList(0, 2)).containsExactly(3, 2);
        }
    }

    @Test
    void aServerThatRefusesStopsItsSideWithTheReason() throws Exception {
        SleepingDetector bare = new SleepingDetector(1);
        try (FakeDetectServer server = new FakeDetectServer(1, 0, true);
             DetectClient client = clientOf(server)) {
            BareComparison.Result r = BareComparison.run(client, bare, IMAGES, Duration.ofMillis(50),
                    Duration.ofMillis(600), BenchProgress.NONE);
            assertThat(r.failure()).startsWith("server: ").contains("answered 503");
            assertThat(r.server().count()).isZero();
            assertThat(r.bare().count()).isPositive();
        }
    }

    @Test
    void stageSplitIsReadFromTheFirstImageAndMissingOnesAreNull() {
        Reply.StageSplit split = DetectClient.split(Buffer.buffer("{\"images\":[{\"timing_ms\":"
                + "{\"queue\":9,\"preprocess\":1.25,\"inference\":10.5,\"postprocess\":0.5,\"total\":21}}]}"));
        assertThat(split.detectorMs()).isEqualTo(11.75);
        assertThat(DetectClient.split(Buffer.buffer("{\"detections\":[]}"))).isNull();
        assertThat(DetectClient.split(Buffer.buffer("{\"images\":[]}"))).isNull();
        assertThat(DetectClient.split(Buffer.buffer("{\"images\":[{\"timing_ms\":{\"preprocess\":1}}]}"))).isNull();
        assertThat(DetectClient.split(Buffer.buffer("not json"))).isNull();
        assertThat(DetectClient.split(Buffer.buffer("{\"images\":\"x\"}"))).isNull();

        // 20 ms answered, 11.75 ms of it in the detector; clamped at zero; unknown without stage times
        assertThat(Reply.http(200, split).outsideDetectorNanos(20_000_000L)).isEqualTo(8_250_000L);
        assertThat(Reply.http(200, split).outsideDetectorNanos(10_000_000L)).isZero();
        assertThat(Reply.http(200, null).outsideDetectorNanos(20_000_000L)).isEqualTo(-1);
    }

    @Test
    void clientErrorsAreNamed() {
        assertThat(Reply.outcome(new TimeoutException("t"))).isEqualTo("timeout");
        assertThat(Reply.outcome(new java.util.concurrent.CompletionException(new TimeoutException("t"))))
                .isEqualTo("timeout");
        assertThat(Reply.outcome(new java.io.IOException("reset"))).isEqualTo("io-error");
    }
}
