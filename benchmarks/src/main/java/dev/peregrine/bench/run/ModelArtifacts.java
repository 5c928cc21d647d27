package dev.peregrine.bench.run;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.peregrine.bench.BenchFormat;
import dev.peregrine.engines.Device;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import dev.peregrine.engines.trt.TrtAvailability;
import dev.peregrine.engines.trt.TrtNatives;
import dev.peregrine.exporter.ExportOptions;
import dev.peregrine.exporter.Exporter;
import dev.peregrine.exporter.precision.CalibrationSource;
import dev.peregrine.exporter.precision.Fp16Options;
import dev.peregrine.exporter.precision.Int8Options;
import dev.peregrine.exporter.precision.OnnxFiles;
import dev.peregrine.exporter.precision.PrecisionPasses;
import dev.peregrine.exporter.trt.EngineBuildOptions;
import dev.peregrine.exporter.trt.TrtEngineBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Produces the model file of each format from the model the user gave, with Peregrine's own tools: a {@code .pt}
 * is exported to an FP32 ONNX with a dynamic batch (so that every batch size runs), an {@code .onnx} is used as is;
 * FP16 and INT8 come from that FP32 graph through {@link PrecisionPasses} (INT8 calibrated on the benchmark's
 * images), and TensorRT engines are built from the ONNX of their precision. A format this build or machine cannot
 * produce or run becomes an {@link Artifact#skipped} with the reason, never an error, so that the report lists it.
 *
 * <p>INT8 for ONNX Runtime on the CPU uses uint8 activations, the form its x86 integer kernels fuse (see
 * docs/PRECISION.md); INT8 for TensorRT and GPUs keeps int8 activations.
 */
public final class ModelArtifacts {
    private final Path model;
    private final boolean checkpoint;
    private final int height;
    private final int width;
    private final Path workDir;
    private final Device device;
    private final int maxBatch;
    private final Path calibration;
    private final BenchProgress progress;
    private final Map<BenchFormat, Artifact> cache = new EnumMap<>(BenchFormat.class);
    private Artifact int8ForTensorRt;

    /**
     * @param model       the {@code .pt} or {@code .onnx} given
     * @param imgsz       {height, width} to export at, or null for the checkpoint's own size
     * @param workDir     where exported files go
     * @param device      the device the formats will run on
     * @param maxBatch    largest batch a TensorRT engine is built for (exported models have a dynamic batch)
     * @param calibration INT8 calibration images (folder, list or data YAML), or null: INT8 is then skipped
     * @param progress    receives export progress
     * @throws PeregrineException NOT_FOUND for a missing model, BAD_INPUT for another file type
     */
    public ModelArtifacts(Path model, int[] imgsz, Path workDir, Device device, int maxBatch, Path calibration,
            BenchProgress progress) throws PeregrineException {
        if (!Files.isRegularFile(model)) {
            throw PeregrineException.notFound("model not found: " + model);
        }
        String name = model.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".pt") && !name.endsWith(".onnx")) {
            throw PeregrineException.badInput("--model must be a .pt checkpoint or an .onnx file, got " + model);
        }
        this.model = model;
        this.checkpoint = name.endsWith(".pt");
        this.height = imgsz == null ? 0 : imgsz[0];
        this.width = imgsz == null ? 0 : imgsz[1];
        this.workDir = workDir;
        this.device = device;
        this.maxBatch = maxBatch;
        this.calibration = calibration;
        this.progress = progress;
    }

    /** True when the model is a {@code .pt} checkpoint (exported here) rather than an ONNX file. */
    public boolean fromCheckpoint() {
        return checkpoint;
    }

    /** The file of {@code format}, producing it on first use; or the reason it cannot exist here. */
    public Artifact forFormat(BenchFormat format) {
        Artifact a = cache.get(format);
        if (a == null) {
            a = make(format);
            cache.put(format, a);
        }
        return a;
    }

    private Artifact make(BenchFormat format) {
        if (format.runtime() == BenchFormat.Runtime.TENSORRT) {
            return engine(format);
        }
        if (format.precision() == Precision.FP32) {
            return checkpoint ? exportFp32(format) : Artifact.of(format, model);
        }
        // uint8 activations on the CPU: the form ONNX Runtime's x86 integer kernels run
        return converted(format, device.kind() == Device.Kind.CPU);
    }

    private Artifact exportFp32(BenchFormat format) {
        Path out = workDir.resolve(stem() + "-" + format.id() + ".onnx");
        ExportOptions options = ExportOptions.defaults().withDynamic(true).withOutput(out);
        if (height > 0) {
            options = options.withImgsz(height, width);
        }
        try {
            Files.createDirectories(workDir);
            progress.stage("exporting " + model.getFileName() + " to " + format.id() + " (dynamic batch)");
            Exporter.export(model, options, progress::stage);
            return Artifact.of(format, out);
        } catch (PeregrineException e) {
            return Artifact.skipped(format, "export failed: " + e.getMessage());
        } catch (IOException e) {
            return Artifact.skipped(format, "cannot create " + workDir + ": " + e.getMessage());
        }
    }

    /** The FP32 ONNX through the FP16 or INT8 pass. */
    private Artifact converted(BenchFormat format, boolean uint8Activations) {
        Artifact fp32 = forFormat(BenchFormat.ONNX_FP32);
        if (!fp32.available()) {
            return Artifact.skipped(format, "needs the onnx-fp32 model: " + fp32.skipReason());
        }
        if (format.precision() == Precision.INT8 && calibration == null) {
            return Artifact.skipped(format, "INT8 needs calibration images: give --calib, --data or --images");
        }
        String suffix = format.precision() == Precision.INT8 && !uint8Activations ? "-s8" : "";
        Path out = workDir.resolve(stem() + "-" + format.id() + suffix + ".onnx");
        try {
            Files.createDirectories(workDir);
            ModelProto base = OnnxFiles.read(fp32.file());
            ModelProto result;
            if (format.precision() == Precision.FP16) {
                progress.stage("converting to FP16 (" + out.getFileName() + ")");
                result = PrecisionPasses.toFp16(base, Fp16Options.defaults());
            } else {
                CalibrationSource source = CalibrationSource.of(calibration);
                Int8Options options = Int8Options.defaults().withUint8Activations(uint8Activations);
                int images = Math.min(options.calibSize(), source.images().size());
                progress.stage("quantizing to INT8 (" + (uint8Activations ? "uint8" : "int8") + " activations), "
                        + "calibrating on " + images + " images of " + source.description());
                long start = System.nanoTime();
                result = PrecisionPasses.toInt8(base, source, options, (done, total) -> progress.measuring(
                        "INT8 calibration, " + total + " images", false, (System.nanoTime() - start) / 1e9, 0, done));
            }
            OnnxFiles.write(result, out);
            return Artifact.of(format, out);
        } catch (PeregrineException e) {
            return Artifact.skipped(format, "the " + precisionName(format) + " pass failed: " + e.getMessage());
        } catch (IOException e) {
            return Artifact.skipped(format, "cannot create " + workDir + ": " + e.getMessage());
        }
    }

    /** A TensorRT engine built from the ONNX of the same precision, on the benchmark's GPU. */
    private Artifact engine(BenchFormat format) {
        if (device.kind() != Device.Kind.CUDA) {
            return Artifact.skipped(format, "TensorRT runs on an NVIDIA GPU; this run is on " + device
                    + " (use --device cuda:N on a GPU machine)");
        }
        TrtAvailability trt = TrtNatives.availability();
        if (!trt.isAvailable()) {
            return Artifact.skipped(format, trt.message());
        }
        Artifact onnx = switch (format.precision()) {
            case FP32 -> forFormat(BenchFormat.ONNX_FP32);
            case FP16 -> forFormat(BenchFormat.ONNX_FP16);
            case INT8 -> int8ForTensorRt();
        };
        if (!onnx.available()) {
            return Artifact.skipped(format, "needs the " + format.precision().name().toLowerCase(Locale.ROOT)
                    + " ONNX model: " + onnx.skipReason());
        }
        Path out = workDir.resolve(stem() + "-" + format.id() + ".engine");
        try {
            EngineBuildOptions.Builder b = EngineBuildOptions.builder(onnx.file()).output(out)
                    .device(device.index()).expectedPrecision(format.precision());
            if (checkpoint) {
                b.dynamic(true).batch(maxBatch); // exported with a dynamic batch: one engine for every batch
            }
            progress.stage("building the TensorRT engine " + out.getFileName() + " (minutes)");
            TrtEngineBuilder.build(b.build(), (index, total, description) ->
                    progress.stage("TensorRT build " + index + "/" + total + ": " + description));
            return Artifact.of(format, out);
        } catch (PeregrineException e) {
            return Artifact.skipped(format, (e.code() == ErrorCode.UNAVAILABLE ? "" : "engine build failed: ")
                    + e.getMessage());
        }
    }

    /** The INT8 ONNX with int8 activations (TensorRT does not take uint8 ones). */
    private Artifact int8ForTensorRt() {
        if (int8ForTensorRt == null) {
            int8ForTensorRt = device.kind() == Device.Kind.CPU ? converted(BenchFormat.ONNX_INT8, false)
                    : forFormat(BenchFormat.ONNX_INT8);
        }
        return int8ForTensorRt;
    }

    private String stem() {
        return model.getFileName().toString().replaceFirst("(?i)\\.(pt|onnx)$", "");
    }

    private static String precisionName(BenchFormat format) {
        return format.precision().name().toLowerCase(Locale.ROOT);
    }
}
