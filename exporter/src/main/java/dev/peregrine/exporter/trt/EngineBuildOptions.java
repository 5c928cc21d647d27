package dev.peregrine.exporter.trt;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * What to build: the ONNX model, where the engine goes, the batch sizes it accepts, and builder settings. Made with
 * {@link #builder(Path)}, whose {@link Builder#build()} checks the combination and reports mistakes as BAD_INPUT
 * in the CLI's terms.
 *
 * <p>Batch: {@code batch} alone builds a fixed batch; {@code dynamic} builds a profile 1..batch (default
 * {@value #DEFAULT_DYNAMIC_MAX_BATCH}) tuned for half of it (Ultralytics' rule); {@code minShape/optShape/maxShape}
 * (with {@code dynamic}) give the profile explicitly. With none, a fixed-batch ONNX keeps its batch and a
 * dynamic-batch ONNX is built for batch 1.
 *
 * @param onnx              the ONNX model (FP32, FP16 or Q/DQ INT8: precision comes from the graph)
 * @param output            the engine file to write
 * @param batch             batch size (fixed, or the maximum with {@code dynamic}); null when not given
 * @param dynamic           build an optimization profile over a batch range
 * @param minShape          explicit profile minimum, or null
 * @param optShape          explicit profile optimum, or null
 * @param maxShape          explicit profile maximum, or null
 * @param workspaceBytes    builder workspace limit, 0 for TensorRT's default (the device memory)
 * @param dlaCore           DLA core to build for, -1 for the GPU
 * @param gpuFallback       let layers the DLA cannot run fall back to the GPU
 * @param timingCache       timing cache file to read (if present) and update, or null
 * @param device            CUDA device to build on (engines are specific to its GPU model)
 * @param allowTf32         let FP32 layers use TF32 math (faster on Ampere and later, about 3 fewer digits)
 * @param expectedPrecision precision the caller asked for ({@code --precision}), checked against the ONNX; or null
 */
public record EngineBuildOptions(Path onnx, Path output, Integer batch, boolean dynamic, long[] minShape,
                                 long[] optShape, long[] maxShape, long workspaceBytes, int dlaCore,
                                 boolean gpuFallback, Path timingCache, int device, boolean allowTf32,
                                 Precision expectedPrecision) {

    /** Largest batch of a {@code dynamic} build when no batch is given. */
    public static final int DEFAULT_DYNAMIC_MAX_BATCH = 8;

    public EngineBuildOptions {
        Objects.requireNonNull(onnx, "onnx");
        Objects.requireNonNull(output, "output");
        minShape = minShape == null ? null : minShape.clone();
        optShape = optShape == null ? null : optShape.clone();
        maxShape = maxShape == null ? null : maxShape.clone();
    }

    /** Options for {@code onnx} with defaults: engine next to it ({@code model.engine}), GPU 0, TensorRT defaults. */
    public static Builder builder(Path onnx) {
        return new Builder(onnx);
    }

    /** True when explicit min/opt/max shapes were given. */
    public boolean explicitShapes() {
        return minShape != null;
    }

    @Override
    public long[] minShape() {
        return minShape == null ? null : minShape.clone();
    }

    @Override
    public long[] optShape() {
        return optShape == null ? null : optShape.clone();
    }

    @Override
    public long[] maxShape() {
        return maxShape == null ? null : maxShape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EngineBuildOptions b && b.onnx.equals(onnx) && b.output.equals(output)
                && Objects.equals(b.batch, batch) && b.dynamic == dynamic && Arrays.equals(b.minShape, minShape)
                && Arrays.equals(b.optShape, optShape) && Arrays.equals(b.maxShape, maxShape)
                && b.workspaceBytes == workspaceBytes && b.dlaCore == dlaCore && b.gpuFallback == gpuFallback
                && Objects.equals(b.timingCache, timingCache) && b.device == device && b.allowTf32 == allowTf32
                && b.expectedPrecision == expectedPrecision;
    }

    @Override
    public int hashCode() {
        return Objects.hash(onnx, output, batch, dynamic, workspaceBytes, dlaCore, device);
    }

    /** Collects options; {@link #build()} validates them together. */
    public static final class Builder {
        private final Path onnx;
        private Path output;
        private Integer batch;
        private boolean dynamic;
        private long[] minShape;
        private long[] optShape;
        private long[] maxShape;
        private double workspaceGb;
        private int dlaCore = -1;
        private boolean gpuFallback;
        private Path timingCache;
        private int device;
        private boolean allowTf32;
        private Precision expectedPrecision;

        private Builder(Path onnx) {
            this.onnx = Objects.requireNonNull(onnx, "onnx");
        }

        /** Engine file to write (default: the ONNX path with {@code .engine}). */
        public Builder output(Path p) {
            output = p;
            return this;
        }

        /** Batch size: fixed, or the maximum with {@link #dynamic(boolean)}. */
        public Builder batch(Integer n) {
            batch = n;
            return this;
        }

        /** Build a batch range instead of one batch size. */
        public Builder dynamic(boolean d) {
            dynamic = d;
            return this;
        }

        /** Explicit profile shapes (all three, with dynamic). */
        public Builder shapes(long[] min, long[] opt, long[] max) {
            minShape = min;
            optShape = opt;
            maxShape = max;
            return this;
        }

        /** Workspace limit in GiB (fractions allowed); 0 keeps TensorRT's default. */
        public Builder workspaceGb(double gb) {
            workspaceGb = gb;
            return this;
        }

        /** DLA core, -1 for the GPU. */
        public Builder dlaCore(int core) {
            dlaCore = core;
            return this;
        }

        /** Allow GPU fallback for layers the DLA cannot run. */
        public Builder gpuFallback(boolean f) {
            gpuFallback = f;
            return this;
        }

        /** Timing cache file, or null. */
        public Builder timingCache(Path p) {
            timingCache = p;
            return this;
        }

        /** CUDA device index. */
        public Builder device(int d) {
            device = d;
            return this;
        }

        /** Allow TF32 math for FP32 layers. */
        public Builder allowTf32(boolean a) {
            allowTf32 = a;
            return this;
        }

        /** The precision the caller expects the ONNX to have, or null. */
        public Builder expectedPrecision(Precision p) {
            expectedPrecision = p;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws PeregrineException BAD_INPUT naming the option that is wrong or the combination that conflicts
         */
        public EngineBuildOptions build() throws PeregrineException {
            require(batch == null || batch >= 1, "--batch must be >= 1, got " + batch);
            if (minShape != null || optShape != null || maxShape != null) {
                require(minShape != null && optShape != null && maxShape != null,
                        "--min-shape, --opt-shape and --max-shape go together: give all three");
                require(dynamic, "--min-shape/--opt-shape/--max-shape need --dynamic");
                require(batch == null, "give either --batch or --min-shape/--opt-shape/--max-shape, not both "
                        + "(the shapes already fix the batch range)");
            }
            require(workspaceGb >= 0 && workspaceGb <= 1024,
                    "--workspace must be between 0 and 1024 GiB, got " + workspaceGb);
            require(dlaCore >= -1, "--dla must be a DLA core number >= 0, got " + dlaCore);
            require(!gpuFallback || dlaCore >= 0, "--gpu-fallback only applies with --dla N");
            require(device >= 0, "device index must be >= 0, got " + device);
            require(timingCache == null || !timingCache.equals(onnx),
                    "--timing-cache must not be the ONNX model itself");
            Path out = output != null ? output : defaultOutput(onnx);
            require(!out.toAbsolutePath().normalize().equals(onnx.toAbsolutePath().normalize()),
                    "the engine would overwrite the ONNX model " + onnx + ": choose another output");
            return new EngineBuildOptions(onnx, out, batch, dynamic, minShape, optShape, maxShape,
                    Math.round(workspaceGb * (1L << 30)), dlaCore, gpuFallback, timingCache, device, allowTf32,
                    expectedPrecision);
        }

        /** Reports a wrong option or combination: BAD_INPUT with {@code message} unless {@code ok}. */
        private static void require(boolean ok, String message) throws PeregrineException {
            if (!ok) {
                throw PeregrineException.badInput(message);
            }
        }

        private static Path defaultOutput(Path onnx) {
            String name = onnx.getFileName().toString();
            int dot = name.lastIndexOf('.');
            return onnx.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".engine");
        }
    }
}
