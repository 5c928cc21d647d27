package dev.peregrine.exporter.modules;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.exporter.onnx.Value;
import dev.peregrine.exporter.pt.ModuleNode;
import java.util.List;

/**
 * Emits the ONNX nodes of one module type's {@code forward} (Ultralytics {@code Conv}, {@code C2f}, {@code Detect},
 * torch {@code MaxPool2d}...). An emitter reads everything it needs (channels, kernels, flags, weights) from the
 * {@link ModuleNode} it is given, never from per-model constants, and calls {@link EmitContext#call} for the child
 * modules its forward calls. Registered in an {@link EmitterRegistry} under the module's class simple name.
 */
@FunctionalInterface
public interface ModuleEmitter {

    /**
     * Emits {@code module} applied to {@code inputs}.
     *
     * @param inputs the module's inputs: one tensor for most modules, several for {@code Concat} and heads
     * @return the module's outputs: one tensor for most modules, several for heads with more than one output
     */
    List<Value> emit(EmitContext ctx, ModuleNode module, List<Value> inputs) throws PeregrineException;
}
