package dev.peregrine.server.model;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.Device;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.pipeline.YoloDetector;
import dev.peregrine.server.batch.BatchPolicy;
import dev.peregrine.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Serving the trained {@code .pt} checkpoint: exported once by the Java exporter into the cache (dynamic batch),
 * served in batches, and matching Ultralytics' own ONNX export of the same checkpoint run directly.
 */
class ServedPtModelTest {
    private static final long WAIT_S = 120;

    @TempDir
    Path dir;

    @Test
    void ptIsExportedCachedAndServesLikeUltralyticsOnnx() throws Exception {
        Path pt = Fixtures.file("trained/shapes-yolov8n.pt");
        Path ultralyticsOnnx = Fixtures.file("trained/shapes-yolov8n.onnx");
        List<byte[]> images = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            images.add(Files.readAllBytes(Fixtures.file(String.format("trained/images/val/%06d.jpg", i))));
        }
        DetectOptions opts = DetectOptions.defaults();
        Path cacheDir = dir.resolve("cache");
        DefaultModelLoader loader = new DefaultModelLoader(YoloDetector::open, new JavaPtExporter(),
                new ExportCache(cacheDir));
        BatchPolicy policy = new BatchPolicy(4, new int[0], Duration.ofMillis(20), 256L << 20, 64,
                Duration.ofSeconds(60));
        ModelSpec spec = new ModelSpec("shapes", pt, Device.CPU, policy, 1);

        List<List<Detection>> served = new ArrayList<>();
        try (ModelRegistry registry = ModelRegistry.load(List.of(spec), loader)) {
            registry.loaded().get(WAIT_S, TimeUnit.SECONDS);
            ServedModel m = registry.get("shapes").orElseThrow();
            assertThat(m.failure()).isEmpty();
            assertThat(m.policy().maxBatch()).as("dynamic batch export keeps the cap").isEqualTo(4);
            assertThat(m.info().sourceFormat()).isEqualTo("onnx");
            List<CompletableFuture<List<Detection>>> fs = new ArrayList<>();
            for (byte[] image : images) {
                fs.add(m.submit(m.detector().prepare(image), opts, null));
            }
            for (CompletableFuture<List<Detection>> f : fs) {
                served.add(f.get(WAIT_S, TimeUnit.SECONDS));
            }
        }

        List<List<Detection>> expected = new ArrayList<>();
        try (YoloDetector d = YoloDetector.open(new EngineConfig(ultralyticsOnnx, Device.CPU, 1, null))) {
            for (byte[] image : images) {
                expected.add(d.detect(image, opts));
            }
        }
        for (int i = 0; i < images.size(); i++) {
            List<Detection> s = served.get(i);
            List<Detection> e = expected.get(i);
            assertThat(e).isNotEmpty();
            assertThat(s).as("image %d", i + 1).hasSameSizeAs(e);
            for (int k = 0; k < e.size(); k++) {
                assertThat(s.get(k).classId()).isEqualTo(e.get(k).classId());
                assertThat(s.get(k).score()).isCloseTo(e.get(k).score(), within(1e-3f));
                assertThat(s.get(k).x1()).isCloseTo(e.get(k).x1(), within(0.05f));
                assertThat(s.get(k).y1()).isCloseTo(e.get(k).y1(), within(0.05f));
                assertThat(s.get(k).x2()).isCloseTo(e.get(k).x2(), within(0.05f));
                assertThat(s.get(k).y2()).isCloseTo(e.get(k).y2(), within(0.05f));
            }
        }

        // A second load of the same checkpoint reuses the cached export.
        Path cached;
        try (Stream<Path> files = Files.list(cacheDir)) {
            List<Path> entries = files.toList();
            assertThat(entries).hasSize(1);
            cached = entries.get(0);
        }
        long modified = Files.getLastModifiedTime(cached).toMillis();
        loader.load(spec).close();
        try (Stream<Path> files = Files.list(cacheDir)) {
            assertThat(files.toList()).containsExactly(cached);
        }
        assertThat(Files.getLastModifiedTime(cached).toMillis()).isEqualTo(modified);
    }
}
