package dev.peregrine.server.cli;

import dev.peregrine.engines.Device;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import dev.peregrine.engines.trt.EngineFileHeader;
import dev.peregrine.engines.trt.EngineTensor;
import dev.peregrine.engines.trt.Shapes;
import dev.peregrine.engines.trt.TrtNatives;
import dev.peregrine.exporter.trt.BuildProgress;
import dev.peregrine.exporter.trt.EngineBuildOptions;
import dev.peregrine.exporter.trt.EngineBuildResult;
import dev.peregrine.exporter.trt.TrtEngineBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The {@code --format engine} half of {@code peregrine export}: options to {@link EngineBuildOptions}, the build
 * with its progress on stdout, and the summary line. Kept apart from {@link ExportCommand} so that the ONNX export
 * stays as it was.
 */
final class EngineExport {
    /** Engine options from the command line; null/false when not given. */
    record Request(Integer batch, boolean dynamic, String minShape, String optShape, String maxShape, Double workspaceGb,
                   Integer dla, boolean gpuFallback, Path timingCache, String device, boolean tf32, Precision precision,
                   Path output) {

        /** True when any option that only applies to engines was given. */
        boolean hasEngineOnlyOptions() {
            return minShape != null || optShape != null || maxShape != null || workspaceGb != null || dla != null
                    || gpuFallback || timingCache != null || device != null || tf32;
        }
    }

    private EngineExport() {
    }

    /**
     * Validates the request for the engine that {@code onnx} will become (the ONNX may not exist yet when it is
     * exported from a .pt first), and checks that TensorRT is there, before any long work starts.
     */
    static EngineBuildOptions options(Path onnx, Request r) throws PeregrineException {
        int deviceIndex = 0;
        if (r.device() != null) {
            Device d = Device.parse(r.device());
            if (d.kind() != Device.Kind.CUDA) {
                throw PeregrineException.badInput("TensorRT engines are built on the GPU they will run on: use --device cuda:N");
            }
            deviceIndex = d.index();
        }
        EngineBuildOptions.Builder b = EngineBuildOptions.builder(onnx).output(r.output()).batch(r.batch())
                .dynamic(r.dynamic()).workspaceGb(r.workspaceGb() == null ? 0 : r.workspaceGb())
                .dlaCore(r.dla() == null ? -1 : r.dla()).gpuFallback(r.gpuFallback()).timingCache(r.timingCache())
                .device(deviceIndex).allowTf32(r.tf32()).expectedPrecision(r.precision());
        if (r.minShape() != null || r.optShape() != null || r.maxShape() != null) {
            b.shapes(shape(r.minShape()), shape(r.optShape()), shape(r.maxShape()));
        }
        EngineBuildOptions options = b.build();
        TrtNatives.require();
        return options;
    }

    private static long[] shape(String s) throws PeregrineException {
        return s == null ? null : Shapes.parse(s);
    }

    /** Builds the engine, printing each phase and a line every so often during the TensorRT build. */
    static EngineBuildResult build(EngineBuildOptions options, PrintWriter out) throws PeregrineException {
        EngineBuildResult r = TrtEngineBuilder.build(options, new BuildProgress() {
            @Override
            public void phase(int index, int total, String description) {
                out.printf(Locale.ROOT, "[%d/%d] %s%n", index, total, description);
                out.flush();
            }

            @Override
            public void stillWorking(String description, Duration elapsed) {
                out.printf(Locale.ROOT, "      %s... %d s%n", description, elapsed.toSeconds());
                out.flush();
            }
        });
        out.println(summary(r));
        out.flush();
        return r;
    }

    /** {@code built m.engine (6.1 MB, TensorRT 11.2.1 on NVIDIA L4, FP16, batch 1..8) in 84.2 s}. */
    static String summary(EngineBuildResult r) {
        EngineFileHeader h = r.header();
        EngineTensor in = h.inputs().get(0);
        long lo = in.profile().min()[0];
        long hi = in.profile().max()[0];
        return String.format(Locale.ROOT, "built %s (%.1f MB, TensorRT %s on %s%s, %s, batch %s) in %.1f s", r.engine(),
                r.planBytes() / 1e6, h.target().tensorRt(), h.target().gpu().name(),
                h.build().usesDla() ? " DLA " + h.build().dlaCore() : "", h.model().precision(),
                lo == hi ? Long.toString(hi) : lo + ".." + hi, r.took().toNanos() / 1e9);
    }
}
