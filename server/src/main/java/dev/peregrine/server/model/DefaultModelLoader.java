package dev.peregrine.server.model;

import dev.peregrine.engines.Detector;
import dev.peregrine.engines.Device;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.pipeline.YoloDetector;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The production {@link ModelLoader}: {@link ModelFiles} decides which file runs ({@code .onnx} and {@code .engine}
 * files as they are, {@code .engine} files only on a CUDA device; {@code .pt} checkpoints exported to ONNX once and
 * cached; INT8 models on the CPU in their uint8-activation form unless that is turned off), and the
 * {@link DetectorOpener} opens it on the spec's device. What ran is remembered per model for {@code /v1/models}
 * ({@link #artifact}).
 */
public final class DefaultModelLoader implements ModelLoader {
    private final DetectorOpener opener;
    private final ModelFiles files;
    /** The artifact each model's latest instance opened, by model name. */
    private final Map<String, ModelArtifact> artifacts = new ConcurrentHashMap<>();

    /**
     * A loader with explicit parts that converts INT8 models to uint8 activations on the CPU.
     *
     * @param opener   opens engine files
     * @param exporter exports {@code .pt} checkpoints
     * @param cache    where exports and converted models are kept
     */
    public DefaultModelLoader(DetectorOpener opener, PtExporter exporter, ExportCache cache) {
        this(opener, new ModelFiles(exporter, cache, true));
    }

    /**
     * A loader that opens the files {@code files} resolves.
     *
     * @param opener opens engine files
     * @param files  decides which file runs for a model file
     */
    public DefaultModelLoader(DetectorOpener opener, ModelFiles files) {
        this.opener = Objects.requireNonNull(opener, "opener");
        this.files = Objects.requireNonNull(files, "files");
    }

    /**
     * This loader with the CPU conversion of INT8 models to uint8 activations on or off (on by default; off serves
     * every {@code .onnx} file as it is, e.g. to compare the two forms).
     */
    public DefaultModelLoader withCpuUint8Activations(boolean on) {
        return new DefaultModelLoader(opener, files.withCpuUint8Activations(on));
    }

    /** The loader the server uses: the engines' YOLO detector, the Java exporter, the default cache directory. */
    public static DefaultModelLoader standard() {
        return standard(DefaultParts.OPENER);
    }

    /**
     * The standard loader (Java exporter, default cache directory) with another detector opener, e.g. one that
     * keeps the engine reachable for the server's tensor route.
     */
    public static DefaultModelLoader standard(DetectorOpener opener) {
        return new DefaultModelLoader(opener, ModelFiles.standard(true));
    }

    /** The export cache in use. */
    public ExportCache cache() {
        return files.cache();
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
        int maxBatch = spec.policy().maxBatch();
        // NOT_FOUND and UNSUPPORTED come from here; an .engine resolves as it is, without being read
        ModelArtifact artifact = files.resolve(path, spec.device(), maxBatch);
        if (ModelFormat.of(path) == ModelFormat.ENGINE) {
            requireCuda(path, spec.device());
        }
        Detector d = opener.open(new EngineConfig(artifact.file(), spec.device(), maxBatch, null));
        if (d == null) {
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "no detector opened for " + artifact.file());
        }
        artifacts.put(spec.name(), artifact);
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

    @Override
    public Optional<ModelArtifact> artifact(ModelSpec spec) {
        return Optional.ofNullable(artifacts.get(spec.name()));
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
