package dev.peregrine.engines.ort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.Device;
import dev.peregrine.engines.Engine;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.EngineOutputs;
import dev.peregrine.engines.Engines;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.testing.Fixtures;
import dev.peregrine.testing.OnnxModels;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link OrtEngine} behaviour on synthetic models: batching, buffers, errors, lifecycle. */
class OrtEngineTest {
    private static final int SIZE = 32;
    private static final int NC = 8;
    private static final int IMAGE = 3 * SIZE * SIZE;

    @TempDir
    Path dir;

    private static float[] randomImages(int n, long seed) {
        Random r = new Random(seed);
        float[] data = new float[n * IMAGE];
        for (int i = 0; i < data.length; i++) {
            data[i] = r.nextFloat();
        }
        return data;
    }

    /** What the reshape detector computes for image {@code i}: the pixels, box rows scaled by the size. */
    private static float expected(float[] images, int image, int k) {
        int rowLength = IMAGE / (4 + NC);
        return images[image * IMAGE + k] * (k / rowLength < 4 ? SIZE : 1f);
    }

    private static void assertOutputs(EngineOutputs outs, float[] images, int batch) {
        assertThat(outs.get(0).shape()).containsExactly(batch, 4 + NC, IMAGE / (4 + NC));
        FloatBuffer data = outs.get(0).data();
        assertThat(data.remaining()).isEqualTo(batch * IMAGE);
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < IMAGE; k++) {
                if (data.get(b * IMAGE + k) != expected(images, b, k)) {
                    throw new AssertionError("image " + b + " value " + k + ": " + data.get(b * IMAGE + k) + " != "
                            + expected(images, b, k));
                }
            }
        }
    }

    @Test
    void dynamicBatchRunsEverySizeUpToTheCap() throws Exception {
        Path model = OnnxModels.reshapeDetector(dir.resolve("dyn.onnx"), -1, SIZE, NC);
        try (Engine engine = Engines.open(new EngineConfig(model, Device.CPU, 4, null))) {
            assertThat(engine).isInstanceOf(OrtEngine.class);
            assertThat(engine.maxBatch()).isEqualTo(4);
            assertThat(engine.info().dynamicBatch()).isTrue();
            float[] images = randomImages(4, 1);
            FloatBuffer in = OrtEngineParityTest.direct(images);
            for (int batch : new int[] {1, 4, 2, 3, 4}) {
                assertOutputs(engine.run(in, batch), images, batch);
            }
            EngineOutputs first = engine.run(in, 2);
            assertThat(engine.run(in, 2)).as("outputs are reused, not reallocated").isSameAs(first);
            assertThatThrownBy(() -> engine.run(in, 5)).isInstanceOfSatisfying(PeregrineException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT));
        }
    }

    @Test
    void staticBatchPadsASmallerRequestAndAcceptsHeapBuffers() throws Exception {
        Path model = OnnxModels.reshapeDetector(dir.resolve("b4.onnx"), 4, SIZE, NC);
        try (Engine engine = Engines.open(new EngineConfig(model, Device.CPU, 16, OrtOptions.defaults()))) {
            assertThat(engine.maxBatch()).isEqualTo(4);
            assertThat(engine.info().batch()).isEqualTo(4);
            float[] two = randomImages(2, 2);
            assertOutputs(engine.run(OrtEngineParityTest.direct(two), 2), two, 2);
            float[] three = randomImages(3, 3);
            assertOutputs(engine.run(FloatBuffer.wrap(three), 3), three, 3);
            float[] four = randomImages(4, 4);
            assertOutputs(engine.run(OrtEngineParityTest.direct(four), 4), four, 4);
        }
    }

    @Test
    void tooSmallInputBufferIsBadInput() throws Exception {
        Path model = OnnxModels.reshapeDetector(dir.resolve("dyn.onnx"), -1, SIZE, NC);
        try (Engine engine = Engines.open(new EngineConfig(model, Device.CPU, 4, null))) {
            FloatBuffer one = OrtEngineParityTest.direct(randomImages(1, 5));
            assertThatThrownBy(() -> engine.run(one, 2)).isInstanceOfSatisfying(PeregrineException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
                assertThat(e.getMessage()).contains("batch 2");
            });
        }
    }

    @Test
    void missingModelIsNotFound() {
        assertCode(() -> Engines.open(EngineConfig.cpu(dir.resolve("nope.onnx"))), ErrorCode.NOT_FOUND, "nope.onnx");
        assertCode(() -> OrtEngine.open(EngineConfig.cpu(dir.resolve("nope.onnx"))), ErrorCode.NOT_FOUND, "nope.onnx");
    }

    @Test
    void nonImageInputIsBadInputNamingTheInput() throws Exception {
        Path model = OnnxModels.vectorModel(dir.resolve("vector.onnx"));
        assertCode(() -> Engines.open(EngineConfig.cpu(model)), ErrorCode.BAD_INPUT, "'x'");
    }

    @Test
    void namesCountMismatchIsBadInputNamingBothNumbers() throws Exception {
        Path model = OnnxModels.withMetadata(Fixtures.file("tiny/yolov8n.onnx"), dir.resolve("bad-names.onnx"),
                Map.of("names", "{0: 'a', 1: 'b', 2: 'c'}"));
        assertCode(() -> Engines.open(EngineConfig.cpu(model)), ErrorCode.BAD_INPUT, "3 class names", "8 class rows");
    }

    @Test
    void corruptModelFileIsBadInput() throws Exception {
        Path model = Files.write(dir.resolve("garbage.onnx"), "not a protobuf at all".getBytes());
        assertCode(() -> Engines.open(EngineConfig.cpu(model)), ErrorCode.BAD_INPUT, "garbage.onnx");
    }

    @Test
    void cudaWithoutTheGpuBuildIsUnavailableAndSuggestsCpu() throws Exception {
        Path model = Fixtures.file("tiny/yolov8n.onnx");
        ThrowingCallable open = () -> Engines.open(new EngineConfig(model, new Device(Device.Kind.CUDA, 0), 1, null));
        if (ai.onnxruntime.OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA)) {
            return; // GPU build: covered by the gpu-tagged tests
        }
        assertCode(open, ErrorCode.UNAVAILABLE, "--device cpu", "CUDA");
        OrtOptions trt = OrtOptions.defaults().withProvider(OrtOptions.ExecutionProvider.TENSORRT);
        assertCode(() -> Engines.open(new EngineConfig(model, new Device(Device.Kind.CUDA, 0), 1, trt)),
                ErrorCode.UNAVAILABLE, "--device cpu", "TensorRT");
        OrtOptions cuda = OrtOptions.defaults().withProvider(OrtOptions.ExecutionProvider.CUDA);
        assertCode(() -> Engines.open(new EngineConfig(model, Device.CPU, 1, cuda)), ErrorCode.BAD_INPUT, "cpu");
    }

    @Test
    void closeIsIdempotentAndRunAfterCloseFails() throws Exception {
        Engine engine = Engines.open(EngineConfig.cpu(Fixtures.file("tiny/yolov8n.onnx")));
        FloatBuffer in = OrtEngineParityTest.direct(new float[3 * 160 * 160]);
        engine.run(in, 1);
        engine.close();
        engine.close();
        assertCode(() -> engine.run(in, 1), ErrorCode.ENGINE_FAILURE, "closed");
    }

    @Test
    void providerAcceptsOnlyOnnxFilesWithOrtOptions() {
        OrtEngineProvider p = new OrtEngineProvider();
        assertThat(p.accepts(EngineConfig.cpu(Path.of("m.onnx")))).isTrue();
        assertThat(p.accepts(EngineConfig.cpu(Path.of("M.ONNX")))).isTrue();
        assertThat(p.accepts(EngineConfig.cpu(Path.of("m.engine")))).isFalse();
        assertThat(p.accepts(new EngineConfig(Path.of("m.onnx"), Device.CPU, 1, new dev.peregrine.engines.EngineOptions() {
        }))).isFalse();
        assertThat(Engines.providers()).anyMatch(x -> x instanceof OrtEngineProvider);
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code, String... fragments) {
        assertThatThrownBy(call).isInstanceOfSatisfying(PeregrineException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            assertThat(e.getMessage()).contains(fragments);
        });
    }
}
