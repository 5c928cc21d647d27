package dev.peregrine.engines;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What to load and how.
 *
 * @param model    model file ({@code .onnx}, {@code .engine})
 * @param device   where to run it
 * @param maxBatch cap on the batch of a dynamic-batch model (ignored for a fixed batch)
 * @param options  provider-specific options, or null for the provider's defaults
 */
public record EngineConfig(Path model, Device device, int maxBatch, EngineOptions options) {
    public EngineConfig {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(device, "device");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
        }
    }

    /** CPU, batch cap 1, default options. */
    public static EngineConfig cpu(Path model) {
        return new EngineConfig(model, Device.CPU, 1, null);
    }
}
