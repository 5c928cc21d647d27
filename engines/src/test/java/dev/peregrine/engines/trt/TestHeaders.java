package dev.peregrine.engines.trt;

import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.Precision;
import dev.peregrine.engines.Task;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Headers and engine files for tests: a dynamic-batch YOLOv8n-like detector at 160x160 (the tiny fixture's size). */
final class TestHeaders {
    static final GpuIdentity L4 = new GpuIdentity("NVIDIA L4", 8, 9, 23_034_396_672L);
    static final GpuIdentity ORIN = new GpuIdentity("Orin", 8, 7, 65_890_000_000L);
    static final BuildTarget TRT11_L4 = new BuildTarget(new TrtVersion(11, 2, 1), L4);

    private TestHeaders() {
    }

    static ModelInfo model(int batch) {
        return new ModelInfo(List.of("person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck"),
                Task.DETECT, 160, 160, 32, batch, false, new int[0], 3, Precision.FP16, "onnx",
                Map.of("stride", "32", "task", "detect", "imgsz", "[160, 160]", "author", "Ultralytics"));
    }

    static EngineFileHeader dynamic(BuildTarget target, int dlaCore) {
        EngineTensor in = new EngineTensor("images", true, ElementType.FLOAT32, new long[] {-1, 3, 160, 160},
                new ShapeProfile(new long[] {1, 3, 160, 160}, new long[] {4, 3, 160, 160}, new long[] {8, 3, 160, 160}));
        EngineTensor out = new EngineTensor("output0", false, ElementType.FLOAT16, new long[] {-1, 12, 525}, null);
        BuildSettings build = new BuildSettings("yolov8n.onnx", 1L << 30, dlaCore, dlaCore >= 0, null, "2026-01-01T00:00:00Z");
        return EngineFileHeader.of(model(-1), target, build, List.of(in, out));
    }

    /** Writes {@code header} with a recognisable fake plan of {@code planBytes} bytes. */
    static Path write(Path dir, String name, EngineFileHeader header, int planBytes) throws Exception {
        Path file = dir.resolve(name);
        EngineFileHeader.write(file, header, plan(planBytes));
        return file;
    }

    static ByteBuffer plan(int n) {
        ByteBuffer b = ByteBuffer.allocate(n);
        for (int i = 0; i < n; i++) {
            b.put((byte) (i * 31 + 7));
        }
        return b.flip();
    }
}
