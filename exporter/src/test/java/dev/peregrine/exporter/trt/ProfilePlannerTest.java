package dev.peregrine.exporter.trt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import dev.peregrine.engines.Task;
import dev.peregrine.engines.TensorSpec;
import dev.peregrine.engines.trt.ShapeProfile;
import dev.peregrine.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfilePlannerTest {
    private static final ModelInfo INFO_640 = new ModelInfo(List.of("a"), Task.DETECT, 640, 640, 32, -1, false, null, 3,
            Precision.FP32, "onnx", Map.of());
    private static final TensorSpec DYNAMIC_BATCH = new TensorSpec("images", "float", new long[] {-1, 3, 640, 640});

    private static EngineBuildOptions.Builder opts() {
        return EngineBuildOptions.builder(Path.of("m.onnx"));
    }

    private static ShapeProfile plan(TensorSpec in, EngineBuildOptions.Builder b) throws PeregrineException {
        return ProfilePlanner.plan(in, INFO_640, b.build());
    }

    private static ShapeProfile profile(long[] min, long[] opt, long[] max) {
        return new ShapeProfile(min, opt, max);
    }

    @Test
    void fixedBatchFixtureKeepsItsShape() throws Exception {
        OnnxModelSummary s = OnnxModelSummary.read(Fixtures.file("tiny/yolov8n.onnx"));
        ModelInfo info = EngineModelInfo.of(s);
        ShapeProfile p = ProfilePlanner.plan(s.inputs().get(0), info, opts().build());
        assertThat(p).isEqualTo(ShapeProfile.fixed(new long[] {1, 3, 160, 160}));
        assertThat(ProfilePlanner.plan(s.inputs().get(0), info, opts().batch(1).build()).isFixed()).isTrue();
        assertThatThrownBy(() -> ProfilePlanner.plan(s.inputs().get(0), info, opts().batch(8).build()))
                .isInstanceOf(PeregrineException.class)
                .hasMessageContaining("m.onnx has a fixed batch of 1; to build an engine for batch 8");
        assertThatThrownBy(() -> ProfilePlanner.plan(s.inputs().get(0), info, opts().dynamic(true).build()))
                .hasMessageContaining("--dynamic has nothing to vary");
    }

    @Test
    void dynamicBatchModel() throws Exception {
        assertThat(plan(DYNAMIC_BATCH, opts())).isEqualTo(ShapeProfile.fixed(new long[] {1, 3, 640, 640}));
        assertThat(plan(DYNAMIC_BATCH, opts().batch(8))).isEqualTo(ShapeProfile.fixed(new long[] {8, 3, 640, 640}));
        // Ultralytics' rule: min 1, opt half the maximum, max the batch.
        assertThat(plan(DYNAMIC_BATCH, opts().dynamic(true).batch(16)))
                .isEqualTo(profile(new long[] {1, 3, 640, 640}, new long[] {8, 3, 640, 640}, new long[] {16, 3, 640, 640}));
        assertThat(plan(DYNAMIC_BATCH, opts().dynamic(true).batch(1)))
                .isEqualTo(ShapeProfile.fixed(new long[] {1, 3, 640, 640}));
        assertThat(plan(DYNAMIC_BATCH, opts().dynamic(true)).max()[0]).isEqualTo(EngineBuildOptions.DEFAULT_DYNAMIC_MAX_BATCH);
    }

    @Test
    void dynamicSpatialDimensionsTakeTheTrainingSize() throws Exception {
        TensorSpec ultralyticsDynamic = new TensorSpec("images", "float", new long[] {-1, 3, -1, -1});
        assertThat(plan(ultralyticsDynamic, opts().dynamic(true).batch(4)))
                .isEqualTo(profile(new long[] {1, 3, 640, 640}, new long[] {2, 3, 640, 640}, new long[] {4, 3, 640, 640}));
        TensorSpec odd = new TensorSpec("x", "float", new long[] {1, -1});
        assertThatThrownBy(() -> plan(odd, opts())).hasMessageContaining("dimension 1 of input x in m.onnx is dynamic");
    }

    @Test
    void explicitShapesMustRespectFixedDimensionsAndOrder() throws Exception {
        TensorSpec spatial = new TensorSpec("images", "float", new long[] {-1, 3, -1, -1});
        long[] min = {1, 3, 320, 320};
        long[] opt = {4, 3, 640, 640};
        long[] max = {8, 3, 1280, 1280};
        assertThat(plan(spatial, opts().dynamic(true).shapes(min, opt, max))).isEqualTo(profile(min, opt, max));
        assertThatThrownBy(() -> plan(DYNAMIC_BATCH, opts().dynamic(true).shapes(min, opt, max)))
                .hasMessageContaining("--min-shape 1x3x320x320: dimension 2 of input images is fixed at 640 in m.onnx");
        assertThatThrownBy(() -> plan(spatial, opts().dynamic(true).shapes(opt, min, max)))
                .hasMessageContaining("min <= opt <= max");
        assertThatThrownBy(() -> plan(spatial, opts().dynamic(true).shapes(new long[] {1, 3, 640}, opt, max)))
                .hasMessageContaining("--min-shape 1x3x640 has 3 dimensions");
    }
}
