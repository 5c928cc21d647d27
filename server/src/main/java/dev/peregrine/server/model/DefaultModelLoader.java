package dev.peregrine.server.model;

import dev.peregrine.engines.Detector;
import dev.peregrine.engines.Device;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.pipeline.YoloDetector;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The production {@link ModelLoader}: {@code .onnx} and {@code .engine} files open directly through the
 * {@link DetectorOpener} on the spec's device ({@code .engine} files only on a CUDA device: the engines'
 * {@code tensorrt} provider opens them); {@code .pt} checkpoints are exported to ONNX once (cached on disk by content
 * hash, see {@link ExportCache}) and the export is opened. On the CPU, an INT8 {@code .onnx} model with int8
 * activations is opened in its uint8-activation form unless that is turned off ({@link CpuUint8Activations}).
 */
public final class DefaultModelLoader implements ModelLoader {
    private final DetectorOpener opener;
    private final PtExporter exporter;
    private final ExportCache cache;
    private final CpuUint8Activations cpuUint8;

    /**
     * A loader with explicit parts that converts INT8 models to uint8 activations on the CPU.
     *
     * @param opener   opens engine files
     * @param exporter exports {@code .pt} checkpoints
     * @param cache    where exports and converted models are kept
     */
    public DefaultModelLoader(DetectorOpener opener, PtExporter exporter, ExportCache cache) {
        this(opener, exporter, cache, true);
    }

    private DefaultModelLoader(DetectorOpener opener, PtExporter exporter, ExportCache cache,
                               boolean cpuUint8Activations) {
        this.opener = Objects.requireNonNull(opener, "opener");
        this.exporter = Objects.requireNonNull(exporter, "exporter");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.cpuUint8 = new CpuUint8Activations(cache, cpuUint8Activations);
    }

    /**
     * This loader with the CPU conversion of INT8 models to uint8 activations on or off (on by default; off serves
     * every {@code .onnx} file as it is, e.g. to compare the two forms).
     */
    public DefaultModelLoader withCpuUint8Activations(boolean on) {
        return new DefaultModelLoader(opener, exporter, cache, on);
    }

    /** The loader the server uses: the engines' YOLO detector, the Java exporter, the default cache directory. */
    public static DefaultModelLoader standard() {
        return new DefaultModelLoader(DefaultParts.OPENER, DefaultParts.EXPORTER, new ExportCache(ExportCache.defaultDir()));
    }

    /**
     * The standard loader (Java exporter, default cache directory) with another detector opener, e.g. one that
     * keeps the engine reachable for the server's tensor route.
     */
    public static DefaultModelLoader standard(DetectorOpener opener) {
        return new DefaultModelLoader(opener, DefaultParts.EXPORTER, new ExportCache(ExportCache.defaultDir()));
    }

    /** The export cache in use. */
    public ExportCache cache() {
        return cache;
    }

    /**
     * Opens one instance of {@code spec}'s model on {@code spec.device()}.
     *
     * @throws PeregrineException NOT_FOUND for a missing file; UNSUPPORTED for an unknown extension; BAD_INPUT for a
     *                            TensorRT engine on the CPU; and whatever opening or exporting reports, unchanged
     *                            (e.g. UNAVAILABLE when this build or machine has no TensorRT, with its suggestion)
     */
    @Override
    public Detector load(ModelSpec spec) throws PeregrineException {
        Path path = spec.path();
        if (!Files.isRegularFile(path)) {
            throw PeregrineException.notFound("model file not found: " + path);
        }
        int maxBatch = spec.policy().maxBatch();
        Path modelFile = switch (ModelFormat.of(path)) {
            // Only .onnx files: the server's own .pt exports are float32 (JavaPtExporter), nothing to convert.
            case ONNX -> cpuUint8.fileFor(path, spec.device());
            case ENGINE -> {
                requireCuda(path, spec.device());
                yield path;
            }
            case PT -> cache.resolve(path, exporter, maxBatch);
        };
        Detector d = opener.open(new EngineConfig(modelFile, spec.device(), maxBatch, null));
        if (d == null) {
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "no detector opened for " + modelFile);
        }
        return d;
    }

    /**
     * A TensorRT engine only runs on a CUDA device. Checked here, before any engine provider reads the file, because
     * for a server it is a mistake in the serving configuration (BAD_INPUT), not a missing capability.
     */
    private static void requireCuda(Path engine, Device device) throws PeregrineException {
        if (device.kind() != Device.Kind.CUDA) {
            throw PeregrineException.badInput("cannot serve " + engine.getFileName() + " on " + device
                    + ": TensorRT engines need --device cuda:N (or serve the .onnx model it was built from on the CPU)");
        }
    }

    /** The engine and execution provider (e.g. {@code onnxruntime-cpu}) for YOLO detectors. */
    @Override
    public String engineDescription(ModelSpec spec, Detector detector) {
        if (detector instanceof YoloDetector yolo) {
            return yolo.engineDescription();
        }
        return ModelLoader.super.engineDescription(spec, detector);
    }
}
