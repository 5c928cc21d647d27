package dev.peregrine.server.model;

import dev.peregrine.engines.Detector;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.pipeline.YoloDetector;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * The production {@link ModelLoader}: {@code .onnx} and {@code .engine} files open directly through the
 * {@link DetectorOpener}; {@code .pt} checkpoints are exported to ONNX once (cached on disk by content hash, see
 * {@link ExportCache}) and the export is opened.
 */
public final class DefaultModelLoader implements ModelLoader {
    private final DetectorOpener opener;
    private final PtExporter exporter;
    private final ExportCache cache;

    /**
     * A loader with explicit parts.
     *
     * @param opener   opens engine files
     * @param exporter exports {@code .pt} checkpoints
     * @param cache    where exports are kept
     */
    public DefaultModelLoader(DetectorOpener opener, PtExporter exporter, ExportCache cache) {
        this.opener = Objects.requireNonNull(opener, "opener");
        this.exporter = Objects.requireNonNull(exporter, "exporter");
        this.cache = Objects.requireNonNull(cache, "cache");
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

    @Override
    public Detector load(ModelSpec spec) throws PeregrineException {
        Path path = spec.path();
        if (!Files.isRegularFile(path)) {
            throw PeregrineException.notFound("model file not found: " + path);
        }
        String file = path.getFileName().toString().toLowerCase(Locale.ROOT);
        int maxBatch = spec.policy().maxBatch();
        Path engineFile;
        if (file.endsWith(".onnx") || file.endsWith(".engine")) {
            engineFile = path;
        } else if (file.endsWith(".pt")) {
            engineFile = cache.resolve(path, exporter, maxBatch);
        } else {
            throw PeregrineException.unsupported("cannot serve " + path.getFileName()
                    + ": expected a .onnx, .engine or .pt file");
        }
        Detector d = opener.open(new EngineConfig(engineFile, spec.device(), maxBatch, null));
        if (d == null) {
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "no detector opened for " + engineFile);
        }
        return d;
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
