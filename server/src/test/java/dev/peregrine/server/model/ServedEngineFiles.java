package dev.peregrine.server.model;

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
import dev.peregrine.engines.trt.TrtVersion;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes well-formed Peregrine engine files (header + a placeholder plan) so that the server's loading path can be
 * exercised up to the point where TensorRT itself is needed.
 */
final class ServedEngineFiles {
    private ServedEngineFiles() {
    }

    /** A fixed-batch-1, 160x160 detector "built" on an L4 with TensorRT 11.2.1, with a 64-byte placeholder plan. */
    static Path write(Path file) throws Exception {
        ModelInfo info = new ModelInfo(List.of("person", "car"), Task.DETECT, 160, 160, 32, 1, false, new int[0], 3,
                Precision.FP32, "onnx", Map.of("task", "detect", "imgsz", "[160, 160]", "stride", "32"));
        EngineTensor in = new EngineTensor("images", true, ElementType.FLOAT32, new long[] {1, 3, 160, 160},
                new ShapeProfile(new long[] {1, 3, 160, 160}, new long[] {1, 3, 160, 160}, new long[] {1, 3, 160, 160}));
        EngineTensor out = new EngineTensor("output0", false, ElementType.FLOAT32, new long[] {1, 6, 525}, null);
        BuildTarget target = new BuildTarget(new TrtVersion(11, 2, 1), new GpuIdentity("NVIDIA L4", 8, 9, 23_034_396_672L));
        BuildSettings build = new BuildSettings("yolov8n.onnx", 0, -1, false, null, "2026-01-01T00:00:00Z");
        EngineFileHeader.write(file, EngineFileHeader.of(info, target, build, List.of(in, out)), ByteBuffer.allocate(64));
        return file;
    }
}
