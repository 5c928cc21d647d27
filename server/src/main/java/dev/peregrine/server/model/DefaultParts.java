package dev.peregrine.server.model;

import dev.peregrine.engines.PeregrineException;

/**
 * The production detector opener and exporter that {@link DefaultModelLoader#standard()} wires in. Kept in one
 * place so that swapping in the engines' detector and the exporter touches this file only.
 */
final class DefaultParts {
    private DefaultParts() {
    }

    /** Opens engine files with the engines module's YOLO detector. */
    static final DetectorOpener OPENER = config -> {
        throw new PeregrineException(dev.peregrine.engines.ErrorCode.UNAVAILABLE,
                "cannot open " + config.model().getFileName() + ": the YOLO detector is not in this build yet");
    };

    /** Exports checkpoints with the Java exporter. */
    static final PtExporter EXPORTER = PtExporter.UNAVAILABLE;
}
