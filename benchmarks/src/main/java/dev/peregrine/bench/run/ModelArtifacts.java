package dev.peregrine.bench.run;

import dev.peregrine.bench.BenchFormat;
import dev.peregrine.engines.Device;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import dev.peregrine.engines.trt.TrtAvailability;
import dev.peregrine.engines.trt.TrtNatives;
import dev.peregrine.exporter.ExportOptions;
import dev.peregrine.exporter.Exporter;
import dev.peregrine.exporter.trt.EngineBuildOptions;
import dev.peregrine.exporter.trt.TrtEngineBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Produces the model file of each format from the model the user gave: a {@code .pt} is exported with Peregrine's
 * exporter to a dynamic-batch ONNX (so that every batch size runs), in the precision of the format; an
 * {@code .onnx} is used as is for {@code onnx-fp32}. A format this build or machine cannot produce or run becomes
 * an {@link Artifact#skipped} with the reason, never an error, so that the report lists it.
 */
public final class ModelArtifacts {
    private final Path model;
    private final boolean checkpoint;
    private final int height;
    private final int width;
    private final Path workDir;
    private final Device device;
    private final int maxBatch;
    private final BenchProgress progress;
    private final Map<BenchFormat, Artifact> cache = new EnumMap<>(BenchFormat.class);

    /**
     * @param model    the {@code .pt} or {@code .onnx} given
     * @param imgsz    {height, width} to export at, or null for the checkpoint's own size
     * @param workDir  where exported files go
     * @param device   the device the formats will run on
     * @param maxBatch largest batch a TensorRT engine is built for (exported models have a dynamic batch)
     * @param progress receives export progress
     * @throws PeregrineException NOT_FOUND for a missing model, BAD_INPUT for another file type
     */
    public ModelArtifacts(Path model, int[] imgsz, Path workDir, Device device, int maxBatch,
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
        this.progress = progress;
    }

    /** True when the model is a {@code .pt} checkpoint (exported here) rather than an ONNX file. */
    public boolean fromCheckpoint() {
        return checkpoint;
    }

    /** The file of {@code format}, exporting it on first use; or the reason it cannot exist here. */
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
        if (!checkpoint) {
            if (format.precision() == Precision.FP32) {
                return Artifact.of(format, model);
            }
            return Artifact.skipped(format, "converting an existing .onnx to " + precisionName(format)
                    + " is not offered by bench; give the .pt checkpoint so that bench exports every precision");
        }
        return export(format);
    }

    private Artifact export(BenchFormat format) {
        Path out = workDir.resolve(stem() + "-" + format.id() + ".onnx");
        ExportOptions options = ExportOptions.defaults().withDynamic(true).withOutput(out)
                .withPrecision(format.precision());
        if (height > 0) {
            options = options.withImgsz(height, width);
        }
        try {
            Files.createDirectories(workDir);
            progress.stage("exporting " + model.getFileName() + " to " + format.id() + " (dynamic batch)");
            Exporter.export(model, options, progress::stage);
            return Artifact.of(format, out);
        } catch (PeregrineException e) {
            if (e.code() == ErrorCode.UNSUPPORTED || e.code() == ErrorCode.UNAVAILABLE) {
                return Artifact.skipped(format, "the exporter cannot produce " + precisionName(format)
                        + " in this build: " + e.getMessage());
            }
            return Artifact.skipped(format, "export failed: " + e.getMessage());
        } catch (java.io.IOException e) {
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
        BenchFormat source = switch (format.precision()) {
            case FP32 -> BenchFormat.ONNX_FP32;
            case FP16 -> BenchFormat.ONNX_FP16;
            case INT8 -> BenchFormat.ONNX_INT8;
        };
        Artifact onnx = forFormat(source);
        if (!onnx.available()) {
            return Artifact.skipped(format, "needs the " + source.id() + " model: " + onnx.skipReason());
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

    private String stem() {
        return model.getFileName().toString().replaceFirst("(?i)\\.(pt|onnx)$", "");
    }

    private static String precisionName(BenchFormat format) {
        return format.precision().name().toLowerCase(Locale.ROOT);
    }
}
