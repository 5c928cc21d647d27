package dev.peregrine.engines.ort;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Device;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.pipeline.YoloDetector;
import dev.peregrine.testing.Fixtures;
import dev.peregrine.testing.ReferenceDetections;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA and TensorRT execution providers give the same detections as the CPU on the trained model (tolerances
 * of the trained model's README: GPU kernels, TF32 and FP16 round differently). Needs a GPU and the
 * {@code onnxruntime_gpu} build: run with {@code -Pgpu}.
 */
@Tag("gpu")
class OrtEngineGpuTest {
    private static final Device CUDA = new Device(Device.Kind.CUDA, 0);

    @TempDir
    Path dir;

    private void assertSameAsCpu(OrtOptions gpuOptions) throws Exception {
        Path model = Fixtures.file("trained/shapes-yolov8n.onnx");
        try (YoloDetector cpu = YoloDetector.open(EngineConfig.cpu(model));
             YoloDetector gpu = YoloDetector.open(new EngineConfig(model, CUDA, 1, gpuOptions))) {
            assertThat(gpu.engineDescription()).isNotEqualTo("onnxruntime-cpu");
            for (int i = 1; i <= 20; i++) {
                byte[] image = Files.readAllBytes(Fixtures.file(String.format("trained/images/val/%06d.jpg", i)));
                var expected = cpu.detect(image, DetectOptions.defaults());
                var actual = gpu.detect(image, DetectOptions.defaults());
                ReferenceDetections.match(gpu.engineDescription() + " image " + i, expected, actual, 0.95, 0.02, 0);
            }
        }
    }

    @Test
    void cudaMatchesCpu() throws Exception {
        assertSameAsCpu(OrtOptions.defaults());
    }

    @Test
    void tensorRtMatchesCpuAndCachesItsEngine() throws Exception {
        Path cache = dir.resolve("trt-cache");
        assertSameAsCpu(OrtOptions.defaults().withProvider(OrtOptions.ExecutionProvider.TENSORRT)
                .withTensorRt(cache, true));
        try (var files = Files.list(cache)) {
            assertThat(files.count()).isPositive();
        }
    }
}
