package dev.peregrine.server.cli;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import dev.peregrine.exporter.ExportOptions;
import dev.peregrine.exporter.ExportResult;
import dev.peregrine.exporter.Exporter;
import dev.peregrine.exporter.ProgressListener;
import dev.peregrine.exporter.trt.EngineBuildOptions;
import dev.peregrine.exporter.modules.EmitterRegistry;
import dev.peregrine.exporter.precision.CalibrationMethod;
import dev.peregrine.exporter.precision.CalibrationSource;
import dev.peregrine.exporter.precision.Fp16Options;
import dev.peregrine.exporter.precision.Int8Options;
import dev.peregrine.exporter.precision.OnnxFiles;
import dev.peregrine.exporter.precision.PrecisionPasses;
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
 * <p>With {@code --precision fp16|int8} the float32 graph goes through the precision passes; an existing float32
 * {@code .onnx} (Ultralytics' or Peregrine's) is accepted as input too, and then only the pass runs.
 * {@code --format engine} builds a TensorRT engine for this machine's GPU, from an ONNX model or from a checkpoint
 * (exported to ONNX at the requested precision beside it first); see {@link EngineExport}.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export an Ultralytics YOLO .pt checkpoint to ONNX (no Python needed); convert a .pt or "
                + ".onnx to FP16 or INT8; or build a TensorRT engine from a .pt or .onnx model (--format engine).")
public final class ExportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL.pt|MODEL.onnx",
            description = "Ultralytics checkpoint (best.pt, yolo11n.pt...), or an ONNX model for --precision "
                    + "fp16|int8 or --format engine")
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
            description = "Output file (default beside the model: MODEL.onnx, MODEL-fp16.onnx / MODEL-int8.onnx for "
                    + "other precisions, or MODEL.engine with --format engine).")
    Path output;

    /** Precision of the artifact: FP16 and INT8 are added by the precision passes (dev.peregrine.exporter.precision). */
    @Option(names = "--precision", paramLabel = "fp32|fp16|int8",
            description = "Numeric precision (default fp32). fp16: FP16 weights and compute, float32 input/output. "
                    + "int8: post-training Q/DQ quantization calibrated on --calib images. Engines take the precision "
                    + "of their ONNX; for an .onnx input to --format engine this checks it.")
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

    @Option(names = "--calib", paramLabel = "DIR|LIST.txt|DATA.yaml",
            description = "INT8 calibration images: a folder, a text file of image paths, or a data YAML (its train "
                    + "split, else its val split).")
    Path calib;

    @Option(names = "--calib-size", paramLabel = "N", defaultValue = "256",
            description = "Calibration images, spread evenly over the source (default ${DEFAULT-VALUE}).")
    int calibSize;

    @Option(names = "--calib-method", paramLabel = "minmax|percentile|entropy", defaultValue = "minmax",
            description = "Activation range selection (default ${DEFAULT-VALUE}).")
    String calibMethod;

    @Option(names = "--int8-activations", paramLabel = "int8|uint8", defaultValue = "int8",
            description = "int8 (default: TensorRT and every ONNX Runtime provider) or uint8 (ONNX Runtime CPU only: "
                    + "its fast integer kernels).")
    String int8Activations;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws PeregrineException {
        PrintWriter out = spec.commandLine().getOut();
        String fmt = format.trim().toLowerCase(Locale.ROOT);
        boolean onnxInput = model.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
        Precision p = precision == null ? null : parsePrecision(precision);
        EngineExport.Request engine = new EngineExport.Request(batch, dynamic, minShape, optShape, maxShape, workspace,
                dla, gpuFallback, timingCache, device, tf32, p, output);
        switch (fmt) {
            case "onnx" -> {
                if (engine.hasEngineOnlyOptions()) {
                    throw PeregrineException.badInput("--min-shape, --opt-shape, --max-shape, --workspace, --dla, --gpu-fallback, "
                            + "--timing-cache, --device and --tf32 apply to --format engine");
                }
                writeOnnx(out, p == null ? Precision.FP32 : p, output);
            }
            case "engine" -> {
                if (onnxInput && (imgsz != null || opset != null)) {
                    throw PeregrineException.badInput("--imgsz and --opset apply when exporting a .pt; " + model.getFileName()
                            + " is already ONNX");
                }
                Precision wanted = p == null ? Precision.FP32 : p;
                Path onnx = onnxInput ? model
                        : wanted == Precision.FP32 ? siblingWithExtension(model, ".onnx") : precisionOutput(model, wanted);
                // Everything is checked (TensorRT present included) before a .pt export spends time on the ONNX.
                EngineBuildOptions options = EngineExport.options(onnx, engine);
                if (!onnxInput) {
                    writeOnnx(out, wanted, onnx);
                }
                EngineExport.build(options, out);
            }
            default -> throw PeregrineException.badInput("--format '" + format + "' is not onnx or engine");
        }
        return 0;
    }

    /**
     * Writes the ONNX model of the input at precision {@code p} to {@code target} (null: beside the input): a plain
     * export for FP32 from a checkpoint, else the FP32 graph (exported, or read from the .onnx input) through the
     * precision pass.
     */
    private void writeOnnx(PrintWriter out, Precision p, Path target) throws PeregrineException {
        boolean onnxInput = model.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
        if (p == Precision.FP32 && !onnxInput) {
            exportFp32(out, target);
            return;
        }
        if (p == Precision.FP32) {
            throw PeregrineException.badInput(model.getFileName() + " is already an ONNX model; give --precision fp16 "
                    + "or int8, or --format engine to build a TensorRT engine from it");
        }
        long start = System.nanoTime();
        ProgressListener stages = stages(out);
        ModelProto fp32;
        if (onnxInput) {
            stages.stage("reading " + model.getFileName());
            fp32 = OnnxFiles.read(model);
        } else {
            int[] hw = imgsz == null ? new int[] {0, 0} : parseImgsz(imgsz);
            ExportOptions options = ExportOptions.defaults().withImgsz(hw[0], hw[1]).withBatch(batch == null ? 1 : batch)
                    .withDynamic(dynamic).withOpset(opset);
            fp32 = Exporter.buildModel(model, options, stages, EmitterRegistry.standard()).model();
        }
        ModelProto converted = convert(fp32, p, stages);
        Path file = target != null ? target : precisionOutput(model, p);
        stages.stage("writing " + file);
        OnnxFiles.write(converted, file);
        out.printf(Locale.ROOT, "exported %s (%s, %.1f MB) in %.2f s%n", file, p.name().toLowerCase(Locale.ROOT),
                converted.getSerializedSize() / 1e6, (System.nanoTime() - start) / 1e9);
        out.flush();
    }

    private void exportFp32(PrintWriter out, Path target) throws PeregrineException {
        int[] hw = imgsz == null ? new int[] {0, 0} : parseImgsz(imgsz);
        ExportOptions options = ExportOptions.defaults().withImgsz(hw[0], hw[1]).withBatch(batch == null ? 1 : batch)
                .withDynamic(dynamic).withOpset(opset).withOutput(target);
        ExportResult r = Exporter.export(model, options, stages(out));
        long bytes;
        try {
            bytes = Files.size(r.onnx());
        } catch (java.io.IOException e) {
            bytes = -1;
        }
        out.printf(Locale.ROOT, "exported %s (%.1f MB) in %.2f s%n", r.onnx(), bytes / 1e6,
                r.took().toNanos() / 1e9);
        out.flush();
    }

    private static Path siblingWithExtension(Path file, String extension) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + extension);
    }

    private ModelProto convert(ModelProto fp32, Precision p, ProgressListener stages) throws PeregrineException {
        if (p == Precision.FP16) {
            stages.stage("converting to FP16");
            return PrecisionPasses.toFp16(fp32, Fp16Options.defaults());
        }
        if (calib == null) {
            throw PeregrineException.badInput("--precision int8 needs calibration images: --calib DIR|LIST.txt|DATA.yaml");
        }
        if (calibSize < 1) {
            throw PeregrineException.badInput("--calib-size must be >= 1, got " + calibSize);
        }
        String activations = int8Activations.trim().toLowerCase(Locale.ROOT);
        if (!activations.equals("int8") && !activations.equals("uint8")) {
            throw PeregrineException.badInput("--int8-activations must be int8 or uint8, got '" + int8Activations + "'");
        }
        Int8Options options = Int8Options.defaults().withCalibSize(calibSize)
                .withMethod(CalibrationMethod.parse(calibMethod)).withUint8Activations(activations.equals("uint8"));
        CalibrationSource source = CalibrationSource.of(calib);
        int images = Math.min(calibSize, source.images().size());
        stages.stage("calibrating INT8 on " + images + " images from " + source.description());
        PredictProgress bar = new PredictProgress(spec.commandLine().getErr(), images, System.console() != null);
        int[] last = {0};
        ModelProto q = PrecisionPasses.toInt8(fp32, source, options, (done, total) -> {
            bar.advance(done - last[0]);
            last[0] = done;
        });
        bar.finish();
        return q;
    }

    private static ProgressListener stages(PrintWriter out) {
        return new ProgressListener() {
            @Override
            public void stage(String description) {
                out.println(description);
                out.flush();
            }
        };
    }

    /** {@code MODEL-fp16.onnx} / {@code MODEL-int8.onnx} beside the input. */
    static Path precisionOutput(Path input, Precision p) {
        String name = input.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return input.resolveSibling(stem + "-" + p.name().toLowerCase(Locale.ROOT) + ".onnx");
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
