package dev.peregrine.server.cli;

import static dev.peregrine.server.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.Precision;
import dev.peregrine.engines.Task;
import dev.peregrine.engines.trt.BuildSettings;
import dev.peregrine.engines.trt.BuildTarget;
import dev.peregrine.engines.trt.ElementType;
import dev.peregrine.engines.trt.EngineFileHeader;
import dev.peregrine.engines.trt.EngineTensor;
import dev.peregrine.engines.trt.GpuIdentity;
import dev.peregrine.engines.trt.ShapeProfile;
import dev.peregrine.engines.trt.TrtNatives;
import dev.peregrine.engines.trt.TrtVersion;
import dev.peregrine.exporter.trt.EngineBuildResult;
import dev.peregrine.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peregrine export --format engine}: option checks, and one clear line where TensorRT is missing. */
class ExportEngineCommandTest {
    @TempDir
    Path dir;

    /** The CPU-only server class path has no TensorRT bindings: the build stops with one error line, no file. */
    @Test
    void engineFromOnnxWithoutTensorRtIsOneErrorLine() {
        assumeFalse(TrtNatives.availability().isAvailable(), "TensorRT is available here");
        Path engine = dir.resolve("yolov8n.engine");
        CliRun r = run("export", Fixtures.file("tiny/yolov8n.onnx").toString(), "--format", "engine", "-o", engine.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).startsWith("error: TensorRT is not available: ").contains("--device cpu");
        assertThat(engine).doesNotExist();
    }

    /** From a checkpoint, TensorRT is checked before the ONNX export spends any time. */
    @Test
    void engineFromCheckpointChecksTensorRtBeforeExporting() throws Exception {
        assumeFalse(TrtNatives.availability().isAvailable(), "TensorRT is available here");
        Path pt = Files.copy(Fixtures.file("tiny/yolov8n.pt"), dir.resolve("yolov8n.pt"));
        CliRun r = run("export", pt.toString(), "--format", "engine", "--dynamic", "--batch", "4");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: TensorRT is not available");
        assertThat(r.out()).doesNotContain("exported");
        assertThat(dir.resolve("yolov8n.onnx")).doesNotExist();
    }

    @Test
    void engineOptionsAreCheckedFirstAndNamed() {
        String onnx = Fixtures.file("tiny/yolov8n.onnx").toString();
        CliRun workspace = run("export", onnx, "--format", "engine", "--workspace", "-2");
        assertThat(workspace.exit()).isEqualTo(2);
        assertThat(workspace.err()).startsWith("error: --workspace must be between 0 and 1024 GiB");
        assertThat(run("export", onnx, "--format", "engine", "--min-shape", "1x3x160x160").err())
                .startsWith("error: --min-shape, --opt-shape and --max-shape go together");
        assertThat(run("export", onnx, "--format", "engine", "--gpu-fallback").err())
                .startsWith("error: --gpu-fallback only applies with --dla N");
        assertThat(run("export", onnx, "--format", "engine", "--device", "cpu").err())
                .startsWith("error: TensorRT engines are built on the GPU they will run on");
        assertThat(run("export", onnx, "--format", "engine", "--imgsz", "320").err())
                .startsWith("error: --imgsz and --opset apply when exporting a .pt");
        assertThat(run("export", onnx, "--format", "engine", "--dynamic", "--min-shape", "1x3x160", "--opt-shape",
                "1x3x160x160", "--max-shape", "1x3x160x160").exit()).isEqualTo(2);
    }

    @Test
    void summaryLineNamesFileSizeTargetPrecisionAndBatch() {
        var model = new ModelInfo(List.of("a"), Task.DETECT, 640, 640,
                32, -1, false, null, 3, Precision.FP16, "onnx", Map.of());
        var in = new EngineTensor("images", true, ElementType.FLOAT32,
                new long[] {-1, 3, 640, 640}, new ShapeProfile(new long[] {1, 3, 640, 640},
                new long[] {4, 3, 640, 640}, new long[] {8, 3, 640, 640}));
        var out = new EngineTensor("output0", false, ElementType.FLOAT32,
                new long[] {-1, 84, 8400}, null);
        var header = EngineFileHeader.of(model,
                new BuildTarget(new TrtVersion(11, 2, 1),
                        new GpuIdentity("NVIDIA L4", 8, 9, 0)),
                new BuildSettings("m.onnx", 0, -1, false, null, "2026-01-01T00:00:00Z"),
                List.of(in, out));
        var result = new EngineBuildResult(Path.of("m.engine"), header, 6_100_000,
                Duration.ofMillis(84_250), false);
        assertThat(EngineExport.summary(result))
                .isEqualTo("built m.engine (6.1 MB, TensorRT 11.2.1 on NVIDIA L4, FP16, batch 1..8) in 84.3 s");
    }

    @Test
    void formatAndInputMustFit() {
        String onnx = Fixtures.file("tiny/yolov8n.onnx").toString();
        assertThat(run("export", onnx).err()).startsWith("error: yolov8n.onnx is already an ONNX model; give --precision fp16 or int8, or --format engine");
        assertThat(run("export", onnx, "--format", "trt").err()).startsWith("error: --format 'trt' is not onnx or engine");
        assertThat(run("export", Fixtures.file("tiny/yolov8n.pt").toString(), "--dla", "0", "-o", "x.onnx").err())
                .startsWith("error: --min-shape, --opt-shape, --max-shape, --workspace, --dla");
    }
}
