package dev.peregrine.server.cli;

import dev.peregrine.engines.Device;
import dev.peregrine.engines.PeregrineException;
import picocli.CommandLine.Option;

/**
 * The {@code --device} option of every command that runs a model ({@code predict}, {@code val}, {@code serve},
 * {@code bench}), as a picocli mixin: {@code @Mixin DeviceOption device;}.
 */
public final class DeviceOption {

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or cuda:N (default: "
            + "${DEFAULT-VALUE}).")
    String device;

    /** The parsed device; BAD_INPUT names the text when it is not cpu, cuda or cuda:N. */
    public Device device() throws PeregrineException {
        return Device.parse(device);
    }
}
