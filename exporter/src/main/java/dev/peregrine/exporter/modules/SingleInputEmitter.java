package dev.peregrine.exporter.modules;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.exporter.onnx.Value;
import dev.peregrine.exporter.pt.ModuleNode;
import java.util.List;

/** A {@link ModuleEmitter} for the common case of a module with one input tensor and one output tensor. */
@FunctionalInterface
public interface SingleInputEmitter extends ModuleEmitter {

    /** Emits {@code module} applied to {@code x}. */
    Value emit(EmitContext ctx, ModuleNode module, Value x) throws PeregrineException;

    @Override
    default List<Value> emit(EmitContext ctx, ModuleNode module, List<Value> inputs) throws PeregrineException {
        if (inputs.size() != 1) {
            throw ModuleAttrs.malformed(module, "takes one input, the model feeds it " + inputs.size()
                    + " (check the layer's 'f' attribute)");
        }
        return List.of(emit(ctx, module, inputs.get(0)));
    }
}
