package dev.peregrine.server.model;

import dev.peregrine.engines.PeregrineException;

import java.nio.file.Path;

/**
 * Turns an Ultralytics {@code .pt} checkpoint into an ONNX file for {@link DefaultModelLoader}. The settings it
 * exports with are part of {@link #cacheKey()}, so that changing them invalidates cached exports.
 */
public interface PtExporter {

    /**
     * Exports {@code pt} to {@code onnxOut}.
     *
     * @param maxBatch largest batch the server will send (the export's batch cap or fixed batch)
     */
    void export(Path pt, Path onnxOut, int maxBatch) throws PeregrineException;

    /** Identifies the exporter version and settings; mixed into the cache key with the checkpoint's hash. */
    String cacheKey();

    /** An exporter for builds without one: always fails with UNSUPPORTED. */
    PtExporter UNAVAILABLE = new PtExporter() {
        @Override
        public void export(Path pt, Path onnxOut, int maxBatch) throws PeregrineException {
            throw PeregrineException.unsupported("cannot serve " + pt.getFileName()
                    + ": exporter not available in this build; export it to .onnx first");
        }

        @Override
        public String cacheKey() {
            return "unavailable";
        }
    };
}
