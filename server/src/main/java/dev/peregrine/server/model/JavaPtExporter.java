package dev.peregrine.server.model;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.exporter.ExportOptions;
import dev.peregrine.exporter.ExportResult;
import dev.peregrine.exporter.Exporter;
import dev.peregrine.exporter.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Exports checkpoints with the project's Java {@link Exporter}: the training image size, a dynamic batch axis
 * (so one export serves every batch size up to the policy's cap without padding), default opset, FP32.
 */
final class JavaPtExporter implements PtExporter {
    private static final Logger log = LoggerFactory.getLogger(JavaPtExporter.class);

    /** Settings baked into every server export; part of the cache key. */
    private static final String SETTINGS = "imgsz=train dynamic=true opset=default precision=fp32";

    private final String cacheKey = ExporterBuild.id() + " " + SETTINGS;

    @Override
    public void export(Path pt, Path onnxOut, int maxBatch) throws PeregrineException {
        ExportOptions options = ExportOptions.defaults().withDynamic(true).withBatch(maxBatch).withOutput(onnxOut);
        ExportResult r = Exporter.export(pt, options, new ProgressListener() {
            @Override
            public void stage(String description) {
                log.info("export {}: {}", pt.getFileName(), description);
            }
        });
        log.info("exported {} ({}x{}, {} classes) in {} ms", pt.getFileName(), r.info().inputWidth(),
                r.info().inputHeight(), r.info().classCount(), r.took().toMillis());
    }

    @Override
    public String cacheKey() {
        return cacheKey;
    }
}
