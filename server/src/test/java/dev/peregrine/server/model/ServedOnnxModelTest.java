package dev.peregrine.server.model;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.Device;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.PreparedImage;
import dev.peregrine.engines.pipeline.YoloDetector;
import dev.peregrine.server.batch.BatchPolicy;
import dev.peregrine.testing.Fixtures;
import dev.peregrine.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real ONNX models through {@link DefaultModelLoader}, {@link ModelRegistry} and the batcher: detections served
 * in batches equal those of the detector called directly, one image at a time.
 */
class ServedOnnxModelTest {
    private static final long WAIT_S = 60;

    @TempDir
    Path dir;

    private static List<byte[]> images(int n) throws Exception {
        List<byte[]> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(Files.readAllBytes(Fixtures.file(String.format("trained/images/val/%06d.jpg", i))));
        }
        return out;
    }

    private List<List<Detection>> serve(Path model, int maxBatch, int instances, List<byte[]> images,
                                        DetectOptions opts, List<String> described) throws Exception {
        BatchPolicy policy = new BatchPolicy(maxBatch, new int[0], Duration.ofMillis(20), 256L << 20, 64,
                Duration.ofSeconds(60));
        DefaultModelLoader loader = new DefaultModelLoader(YoloDetector::open, PtExporter.UNAVAILABLE,
                new ExportCache(dir.resolve("cache")));
        try (ModelRegistry registry = ModelRegistry.load(
                List.of(new ModelSpec("m", model, Device.CPU, policy, instances)), loader)) {
            registry.loaded().get(WAIT_S, TimeUnit.SECONDS);
            ServedModel m = registry.get("m").orElseThrow();
            assertThat(m.failure()).isEmpty();
            assertThat(m.state()).isEqualTo(ServedModel.State.READY);
            described.add(m.engineDescription());
            described.add("maxBatch=" + m.policy().maxBatch());
            List<CompletableFuture<List<Detection>>> futures = new ArrayList<>();
            for (byte[] image : images) {
                PreparedImage prepared = m.detector().prepare(image);
                futures.add(m.submit(prepared, opts, null));
            }
            List<List<Detection>> out = new ArrayList<>();
            for (CompletableFuture<List<Detection>> f : futures) {
                out.add(f.get(WAIT_S, TimeUnit.SECONDS));
            }
            return out;
        }
    }

    private static List<List<Detection>> direct(Path model, List<byte[]> images, DetectOptions opts)
            throws Exception {
        List<List<Detection>> out = new ArrayList<>();
        try (YoloDetector d = YoloDetector.open(new EngineConfig(model, Device.CPU, 1, null))) {
            for (byte[] image : images) {
                out.add(d.detect(image, opts));
            }
        }
        return out;
    }

    @Test
    void trainedModelServedEqualsDirectDetection() throws Exception {
        Path model = Fixtures.file("trained/shapes-yolov8n.onnx");
        List<byte[]> images = images(5);
        DetectOptions opts = DetectOptions.defaults();
        List<String> described = new ArrayList<>();
        List<List<Detection>> served = serve(model, 4, 1, images, opts, described);
        List<List<Detection>> expected = direct(model, images, opts);
        assertThat(expected).allSatisfy(d -> assertThat(d).isNotEmpty());
        assertThat(served).isEqualTo(expected);
        // The export has a static batch of 1, so the registry lowers the policy's maxBatch to it.
        assertThat(described).containsExactly("onnxruntime-cpu", "maxBatch=1");
    }

    @Test
    void dynamicBatchModelWithTwoInstancesEqualsDirectDetection() throws Exception {
        Path model = OnnxModels.reshapeDetector(dir.resolve("dyn.onnx"), -1, 32, 8);
        List<byte[]> images = images(7);
        DetectOptions opts = DetectOptions.defaults().withConf(0.5f);
        List<String> described = new ArrayList<>();
        List<List<Detection>> served = serve(model, 4, 2, images, opts, described);
        List<List<Detection>> expected = direct(model, images, opts);
        assertThat(expected).allSatisfy(d -> assertThat(d).isNotEmpty());
        assertThat(served).isEqualTo(expected);
        assertThat(described).contains("maxBatch=4");
    }
}
