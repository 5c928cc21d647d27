package dev.peregrine.exporter.modules;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.exporter.onnx.OnnxGraphBuilder;
import dev.peregrine.exporter.onnx.Value;
import dev.peregrine.exporter.pt.ModuleNode;
import java.util.List;

/**
 * Ultralytics' {@code Classify} head in export mode: inputs concatenated along channels when there are several,
 * {@code conv} ({@code Conv}), {@code pool} ({@code AdaptiveAvgPool2d(1)}), flatten, {@code drop} (a
 * {@code Dropout}, the identity in eval mode), {@code linear}, softmax over the classes: {@code [B, nc]}.
 */
public final class ClassifyHead implements ModuleEmitter {

    @Override
    public List<Value> emit(EmitContext ctx, ModuleNode m, List<Value> inputs) throws PeregrineException {
        OnnxGraphBuilder g = ctx.graph();
        Value x = inputs.size() == 1 ? inputs.get(0) : g.concat(inputs, 1);
        Value pooled = ctx.callChild(m, "pool", ctx.callChild(m, "conv", x));
        Value flat = g.flatten(pooled, 1);
        ModuleNode drop = m.children().get("drop");
        Value features = drop == null ? flat : ctx.call(drop, "drop", flat);
        Value logits = ctx.callChild(m, "linear", features);
        return List.of(g.softmax(logits, 1));
    }
}
