package dev.peregrine.server.model;

import dev.peregrine.engines.Detector;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.PeregrineException;

/** Opens a detector over an engine file ({@code .onnx}, {@code .engine}); the seam that tests replace. */
@FunctionalInterface
public interface DetectorOpener {

    /** Opens {@code config}'s model; the caller owns and closes the detector. */
    Detector open(EngineConfig config) throws PeregrineException;
}
