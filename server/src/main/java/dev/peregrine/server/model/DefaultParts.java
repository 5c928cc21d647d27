package dev.peregrine.server.model;

import dev.peregrine.engines.pipeline.YoloDetector;

/**
 * The production detector opener and exporter that {@link DefaultModelLoader#standard()} wires in. Kept in one
 * place so that swapping in another detector or exporter touches this file only.
 */
final class DefaultParts {
    private DefaultParts() {
    }

    /** Opens engine files with the engines module's YOLO detector (engine chosen by {@code Engines.open}). */
    static final DetectorOpener OPENER = YoloDetector::open;

    /** Exports checkpoints with the Java exporter. */
    static final PtExporter EXPORTER = new JavaPtExporter();
}
