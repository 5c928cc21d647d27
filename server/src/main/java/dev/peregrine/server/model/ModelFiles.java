package dev.peregrine.server.model;

import dev.peregrine.engines.Device;
import dev.peregrine.engines.PeregrineException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Decides which file runs for a model file on a device, deriving it when needed: {@code .pt} checkpoints are
 * exported to ONNX once (cached by content hash, {@link ExportCache}); on the CPU an INT8 {@code .onnx} model with
 * int8 activations runs in its uint8-activation form unless that is turned off ({@link CpuUint8Activations});
 * {@code .onnx} and {@code .engine} files otherwise run as they are. Shared by {@code serve}
 * ({@link DefaultModelLoader}) and {@code predict}, so that both run a model the same way.
 */
public final class ModelFiles {
    private final PtExporter exporter;
    private final ExportCache cache;
    private final CpuUint8Activations cpuUint8;
    private final boolean cpuUint8Activations;

    /**
     * @param exporter            exports {@code .pt} checkpoints
     * @param cache               where exports and converted models are kept
     * @param cpuUint8Activations convert int8-activation INT8 models to uint8 activations on the CPU
     */
    public ModelFiles(PtExporter exporter, ExportCache cache, boolean cpuUint8Activations) {
        this.exporter = Objects.requireNonNull(exporter, "exporter");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.cpuUint8Activations = cpuUint8Activations;
        this.cpuUint8 = new CpuUint8Activations(cache, cpuUint8Activations);
    }

    /** The Java exporter and the default cache directory ({@link ExportCache#defaultDir()}). */
    public static ModelFiles standard(boolean cpuUint8Activations) {
        return new ModelFiles(DefaultParts.EXPORTER, new ExportCache(ExportCache.defaultDir()), cpuUint8Activations);
    }

    /** These files with the CPU conversion of INT8 models on or off. */
    public ModelFiles withCpuUint8Activations(boolean on) {
        return on == cpuUint8Activations ? this : new ModelFiles(exporter, cache, on);
    }

    /** The cache in use. */
    public ExportCache cache() {
        return cache;
    }

    /**
     * The file to run for {@code path} on {@code device}, exporting or converting it now when it is not cached yet.
     *
     * @param maxBatch the largest batch the caller will run (part of an export's cache key: exports have a dynamic
     *                 batch axis up to it)
     * @throws PeregrineException NOT_FOUND for a missing file; UNSUPPORTED for an extension other than
     *                            {@code .onnx}, {@code .engine}, {@code .pt}; the exporter's own errors; ENGINE_FAILURE
     *                            when the cache cannot be written
     */
    public ModelArtifact resolve(Path path, Device device, int maxBatch) throws PeregrineException {
        if (!Files.isRegularFile(path)) {
            throw PeregrineException.notFound("model file not found: " + path);
        }
        return switch (ModelFormat.of(path)) {
            case ONNX -> {
                Path file = cpuUint8.fileFor(path, device);
                yield file.equals(path) ? ModelArtifact.asIs(path)
                        : new ModelArtifact(path, file, ModelArtifact.Derivation.UINT8_ACTIVATIONS);
            }
            case ENGINE -> ModelArtifact.asIs(path);
            // The Java exporter writes float32 models: nothing for the uint8 conversion to do on an export.
            case PT -> new ModelArtifact(path, cache.resolve(path, exporter, maxBatch),
                    ModelArtifact.Derivation.EXPORTED);
        };
    }
}
