package dev.peregrine.server.cli;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import dev.peregrine.exporter.ExportOptions;
import dev.peregrine.exporter.ExportResult;
import dev.peregrine.exporter.Exporter;
import dev.peregrine.exporter.ProgressListener;
import dev.peregrine.exporter.trt.EngineBuildOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code peregrine export MODEL.pt}: converts an Ultralytics checkpoint to ONNX in pure Java, with Ultralytics'
 * export options. Prints one line per stage and a final line with the file, its size and the time taken.
 *
 * <p>{@code --format engine} builds a TensorRT engine for this machine's GPU, from an ONNX model or from a
 * checkpoint (exported to ONNX beside it first); see {@link EngineExport}.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export an Ultralytics YOLO .pt checkpoint to ONNX (no Python needed), or build a TensorRT "
                + "engine from a .pt or .onnx model (--format engine).")
public final class ExportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "Ultralytics checkpoint (best.pt, yolo11n.pt...), "
            + "or an ONNX model with --format engine")
    Path model;

    @Option(names = "--format", paramLabel = "onnx|engine", defaultValue = "onnx",
            description = "onnx (default), or engine: a TensorRT engine for this machine's GPU and TensorRT version.")
    String format;

    @Option(names = "--imgsz", paramLabel = "N|HxW",
            description = "Input size, a multiple of the model stride: N (square) or HxW. Default: training size.")
    String imgsz;

    @Option(names = "--batch", paramLabel = "N", description = "Static batch size (default 1); with --format engine "
            + "--dynamic, the largest batch of the engine (default 8).")
    Integer batch;

    @Option(names = "--dynamic", description = "Dynamic batch, height and width axes; engines get a batch range "
            + "1..N tuned for N/2.")
    boolean dynamic;

    @Option(names = "--opset", paramLabel = "N", description = "ONNX opset, 13 to 22 (default 17).")
    Integer opset;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Output file (default: MODEL.onnx, or MODEL.engine with --format engine, beside the model).")
    Path output;

    /** Precision of the artifact: FP16 and INT8 are added by the precision passes (dev.peregrine.exporter.precision). */
    @Option(names = "--precision", paramLabel = "fp32|fp16|int8",
            description = "Numeric precision (default fp32; fp16 and int8 come with the precision passes). Engines take "
                    + "the precision of their ONNX; for an .onnx input this checks it.")
    String precision;

    @Option(names = "--min-shape", paramLabel = "NxCxHxW", description = "Engine profile minimum (with --dynamic).")
    String minShape;

    @Option(names = "--opt-shape", paramLabel = "NxCxHxW", description = "Engine profile shape to tune for (with --dynamic).")
    String optShape;

    @Option(names = "--max-shape", paramLabel = "NxCxHxW", description = "Engine profile maximum (with --dynamic).")
    String maxShape;

    @Option(names = "--workspace", paramLabel = "GB", description = "TensorRT builder workspace limit in GiB "
            + "(default: TensorRT's, the device memory).")
    Double workspace;

    @Option(names = "--dla", paramLabel = "N", description = "Build for DLA core N (Jetson AGX/NX Orin, Xavier).")
    Integer dla;

    @Option(names = "--gpu-fallback", description = "With --dla: run layers the DLA cannot on the GPU.")
    boolean gpuFallback;

    @Option(names = "--timing-cache", paramLabel = "FILE", description = "TensorRT timing cache to reuse and update "
            + "(faster rebuilds on the same GPU).")
    Path timingCache;

    @Option(names = "--device", paramLabel = "cuda:N", description = "GPU to build the engine on (default cuda:0).")
    String device;

    @Option(names = "--tf32", description = "Let FP32 layers use TF32 math (faster on Ampere+, less exact).")
    boolean tf32;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws PeregrineException {
        PrintWriter out = spec.commandLine().getOut();
        String fmt = format.trim().toLowerCase(Locale.ROOT);
        boolean onnxInput = model.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
        EngineExport.Request engine = new EngineExport.Request(batch, dynamic, minShape, optShape, maxShape, workspace,
                dla, gpuFallback, timingCache, device, tf32, precision == null ? null : parsePrecision(precision), output);
        switch (fmt) {
            case "onnx" -> {
                if (onnxInput) {
                    throw PeregrineException.badInput(model.getFileName() + " is already ONNX: add --format engine to build "
                            + "a TensorRT engine from it");
                }
                if (engine.hasEngineOnlyOptions()) {
                    throw PeregrineException.badInput("--min-shape, --opt-shape, --max-shape, --workspace, --dla, --gpu-fallback, "
                            + "--timing-cache, --device and --tf32 apply to --format engine");
                }
                exportOnnx(out, output);
            }
            case "engine" -> {
                if (onnxInput && (imgsz != null || opset != null)) {
                    throw PeregrineException.badInput("--imgsz and --opset apply when exporting a .pt; " + model.getFileName()
                            + " is already ONNX");
                }
                Path onnx = onnxInput ? model : siblingWithExtension(model, ".onnx");
                // Everything is checked (TensorRT present included) before a .pt export spends time on the ONNX.
                EngineBuildOptions options = EngineExport.options(onnx, engine);
                if (!onnxInput) {
                    exportOnnx(out, onnx);
                }
                EngineExport.build(options, out);
            }
            default -> throw PeregrineException.badInput("--format '" + format + "' is not onnx or engine");
        }
        return 0;
    }

    /** Exports the checkpoint to {@code onnxOut} (null: beside it) with the command's options; returns the file. */
    private Path exportOnnx(PrintWriter out, Path onnxOut) throws PeregrineException {
        int[] hw = imgsz == null ? new int[] {0, 0} : parseImgsz(imgsz);
        ExportOptions options = ExportOptions.defaults().withImgsz(hw[0], hw[1]).withBatch(batch == null ? 1 : batch)
                .withDynamic(dynamic).withOpset(opset).withOutput(onnxOut)
                .withPrecision(precision == null ? Precision.FP32 : parsePrecision(precision));
        ExportResult r = Exporter.export(model, options, new ProgressListener() {
            @Override
            public void stage(String description) {
                out.println(description);
                out.flush();
            }
        });
        long bytes;
        try {
            bytes = Files.size(r.onnx());
        } catch (java.io.IOException e) {
            bytes = -1;
        }
        out.printf(Locale.ROOT, "exported %s (%.1f MB) in %.2f s%n", r.onnx(), bytes / 1e6,
                r.took().toNanos() / 1e9);
        out.flush();
        return r.onnx();
    }

    private static Path siblingWithExtension(Path file, String extension) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + extension);
    }

    /** {@code 640}, {@code 480x640} or {@code 480,640} as {@code [h, w]}. */
    static int[] parseImgsz(String s) throws PeregrineException {
        String[] parts = s.trim().toLowerCase(Locale.ROOT).split("[x,]");
        try {
            if (parts.length == 1) {
                int n = Integer.parseInt(parts[0].trim());
                return positive(new int[] {n, n}, s);
            }
            if (parts.length == 2) {
                return positive(new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())}, s);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw PeregrineException.badInput("--imgsz '" + s + "' is not N or HxW (e.g. 640 or 480x640)");
    }

    private static int[] positive(int[] hw, String s) throws PeregrineException {
        if (hw[0] <= 0 || hw[1] <= 0) {
            throw PeregrineException.badInput("--imgsz '" + s + "' must be positive");
        }
        return hw;
    }

    static Precision parsePrecision(String s) throws PeregrineException {
        try {
            return Precision.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw PeregrineException.badInput("--precision '" + s + "' is not fp32, fp16 or int8");
        }
    }
}
