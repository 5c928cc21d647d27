package dev.peregrine.exporter.trt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.engines.Device;
import dev.peregrine.engines.Engine;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.EngineOutputs;
import dev.peregrine.engines.Engines;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.trt.EngineFileHeader;
import dev.peregrine.engines.trt.GpuMemoryProbe;
import dev.peregrine.engines.trt.GpuResident;
import dev.peregrine.engines.trt.TrtNatives;
import dev.peregrine.testing.Fixtures;
import dev.peregrine.testing.Npy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on a GPU: build an engine from the tiny YOLOv8n fixture, load it through the provider, run the
 * reference input and compare with the reference output. Runs with {@code mvn -Pgpu verify} on a machine with a
 * GPU, CUDA and TensorRT; skipped (not failed) elsewhere.
 */
@Tag("gpu")
class TrtEngineGpuTest {
    private static final Device CUDA0 = new Device(Device.Kind.CUDA, 0);
    /** TensorRT picks other kernels (and summation orders) than the reference: allow 10x the fixture's tolerance. */
    private static final double TOLERANCE_FACTOR = 10;

    @TempDir
    Path dir;

    @BeforeEach
    void needsTensorRt() {
        Assumptions.assumeTrue(TrtNatives.availability().isAvailable(), TrtNatives.availability().message());
    }

    private Path build(String name, EngineBuildOptions.Builder options) throws PeregrineException {
        EngineBuildResult r = TrtEngineBuilder.build(options.output(dir.resolve(name)).build(), BuildProgress.NONE);
        assertThat(Files.exists(r.engine())).isTrue();
        return r.engine();
    }

    private static FloatBuffer direct(float[] data) {
        FloatBuffer b = ByteBuffer.allocateDirect(data.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        return b.put(data).flip();
    }

    @Test
    void fp32EngineMatchesTheReferenceOutput() throws Exception {
        Path engine = build("yolov8n.engine", EngineBuildOptions.builder(Fixtures.file("tiny/yolov8n.onnx")));
        EngineFileHeader header = EngineFileHeader.read(engine).header();
        assertThat(header.inputs().get(0).name()).isEqualTo("images");
        assertThat(header.outputs().get(0).name()).isEqualTo("output0");
        assertThat(header.model().names()).hasSize(8);

        Npy input = Npy.read(Fixtures.file("tiny/bus.input.npy"));
        Npy ref = Npy.read(Fixtures.file("tiny/yolov8n.output0.npy"));
        JsonNode groups = Fixtures.model("tiny", "yolov8n").at("/onnx_check/results/input/0/groups");
        double boxTol = groups.at("/box/suggested_atol").asDouble() * TOLERANCE_FACTOR;
        double scoreTol = groups.at("/score/suggested_atol").asDouble() * TOLERANCE_FACTOR;

        try (Engine e = Engines.open(new EngineConfig(engine, CUDA0, 1, null))) {
            assertThat(e.description()).startsWith("tensorrt-");
            assertThat(e.maxBatch()).isEqualTo(1);
            assertThat(((GpuResident) e).deviceBytesAtLoad()).isPositive();
            for (int run = 0; run < 2; run++) { // the second run reuses every buffer
                EngineOutputs out = e.run(direct(input.data), 1);
                EngineOutputs.OutputTensor t = out.get(0);
                assertThat(t.shape()).isEqualTo(ref.shape);
                assertThat(t.data().remaining()).isEqualTo(ref.size());
                int anchors = (int) ref.shape[2];
                for (int i = 0; i < ref.size(); i++) {
                    double tol = i / anchors < 4 ? boxTol : scoreTol;
                    assertThat((double) t.data().get(i)).as("output0[%d]", i).isCloseTo(ref.data[i], org.assertj.core.data.Offset.offset(tol));
                }
            }
            assertThatThrownBy(() -> e.run(direct(input.data), 2)).isInstanceOf(PeregrineException.class);
        }
    }

    @Test
    void timingCacheIsWrittenThenReused() throws Exception {
        Path cache = dir.resolve("trt.cache");
        build("a.engine", EngineBuildOptions.builder(Fixtures.file("tiny/yolov8n.onnx")).timingCache(cache));
        long size = Files.size(cache);
        assertThat(size).isPositive();
        build("b.engine", EngineBuildOptions.builder(Fixtures.file("tiny/yolov8n.onnx")).timingCache(cache));
        assertThat(Files.size(cache)).isGreaterThanOrEqualTo(size);
    }

    @Test
    void memoryProbeSeesTheDevice() {
        try (GpuMemoryProbe p = GpuMemoryProbe.open(0)) {
            assertThat(p.source()).doesNotStartWith("unavailable");
            assertThat(p.totalBytes()).isPositive();
            assertThat(p.deviceUsedBytes()).isPositive().isLessThanOrEqualTo(p.totalBytes());
        }
    }
}
