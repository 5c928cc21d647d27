package dev.peregrine.server.cli;

import dev.peregrine.engines.Device;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.PeregrineException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code --device} and {@code --batch} options with which {@code predict} and {@code val} open their model, as
 * a picocli mixin.
 */
final class EngineRunOptions {

    @Mixin
    DeviceOption device = new DeviceOption();

    @Option(names = "--batch", defaultValue = "1", description = "Images per engine run for dynamic-batch models "
            + "(default: ${DEFAULT-VALUE}).")
    int batch;

    /** Images per engine run; BAD_INPUT below 1. */
    int batch() throws PeregrineException {
        if (batch < 1) {
            throw PeregrineException.badInput("--batch must be >= 1, got " + batch);
        }
        return batch;
    }

    /** The parsed {@code --device}. */
    Device device() throws PeregrineException {
        return device.device();
    }

    /** The engine configuration for the ONNX model {@code onnx} on {@code --device} with {@code --batch}. */
    EngineConfig config(Path onnx) throws PeregrineException {
        return new EngineConfig(onnx, device.device(), batch(), null);
    }
}
