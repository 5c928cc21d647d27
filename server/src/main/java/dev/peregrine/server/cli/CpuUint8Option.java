package dev.peregrine.server.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --no-cpu-uint8-activations} option of the commands that run a model the way the server does
 * ({@code serve}, {@code predict}), as a picocli mixin.
 */
final class CpuUint8Option {

    @Option(names = "--no-cpu-uint8-activations", description = "On the CPU, run INT8 models with int8 "
            + "activations as they are, instead of converting them once (cached) to uint8 activations, the form "
            + "ONNX Runtime's CPU integer kernels run (same values, 1.5-3x faster).")
    boolean off;

    /** True unless the option was given. */
    boolean enabled() {
        return !off;
    }
}
