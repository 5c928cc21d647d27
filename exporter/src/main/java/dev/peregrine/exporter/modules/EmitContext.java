package dev.peregrine.exporter.modules;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.exporter.onnx.OnnxGraphBuilder;
import dev.peregrine.exporter.onnx.Value;
import dev.peregrine.exporter.pt.ModuleNode;
import java.util.List;

/**
 * What an emitter works with: the graph under construction, the registry (to emit child modules), the export
 * settings that change the graph (dynamic axes, detections kept by end-to-end heads), and the index of the top-level
 * layer being emitted (for error messages).
 */
public final class EmitContext {
    private final OnnxGraphBuilder graph;
    private final EmitterRegistry registry;
    private final boolean dynamic;
    private final int maxDet;
    private int layer = -1;

    /**
     * @param dynamic true when batch, height and width are dynamic axes: shapes must then come from the graph
     * @param maxDet  detections an end-to-end head keeps (Ultralytics' {@code max_det}, 300)
     */
    public EmitContext(OnnxGraphBuilder graph, EmitterRegistry registry, boolean dynamic, int maxDet) {
        this.graph = graph;
        this.registry = registry;
        this.dynamic = dynamic;
        this.maxDet = maxDet;
    }

    /** The graph under construction. */
    public OnnxGraphBuilder graph() {
        return graph;
    }

    /** True when batch, height and width are dynamic. */
    public boolean dynamic() {
        return dynamic;
    }

    /** Detections kept by end-to-end heads. */
    public int maxDet() {
        return maxDet;
    }

    /** Records the top-level layer being emitted. */
    public void enterLayer(int index) {
        this.layer = index;
    }

    /** The top-level layer being emitted, -1 outside the layer walk. */
    public int layer() {
        return layer;
    }

    /**
     * Emits {@code module} on {@code inputs} under the name scope {@code scopeName} with the emitter registered for
     * its class.
     */
    public List<Value> call(ModuleNode module, String scopeName, List<Value> inputs) throws PeregrineException {
        ModuleEmitter emitter = registry.find(module.simpleName()).orElse(null);
        if (emitter == null) {
            throw unsupported(module, scopeName);
        }
        graph.pushScope(scopeName);
        try {
            return emitter.emit(this, module, inputs);
        } finally {
            graph.popScope();
        }
    }

    /** Emits a single-output module on one input. */
    public Value call(ModuleNode module, String scopeName, Value x) throws PeregrineException {
        List<Value> out = call(module, scopeName, List.of(x));
        if (out.size() != 1) {
            throw ModuleAttrs.malformed(module, "returns " + out.size() + " tensors where one is expected");
        }
        return out.get(0);
    }

    /** Emits the required child {@code childName} of {@code parent} on {@code x}. */
    public Value callChild(ModuleNode parent, String childName, Value x) throws PeregrineException {
        return call(ModuleAttrs.child(parent, childName), childName, x);
    }

    /** The error for a module class without an emitter: names the class, the layer and what is supported. */
    public PeregrineException unsupported(ModuleNode module, String scopeName) {
        String where = graph.scopePath().isEmpty() ? scopeName : graph.scopePath() + "." + scopeName;
        return PeregrineException.unsupported("unsupported module " + module.simpleName() + " ("
                + module.className() + ") in layer " + layer + " at " + where + "; supported modules: "
                + String.join(", ", registry.supported()));
    }

    /**
     * Emits a convolution with initializers {@code <scope>.weight} and {@code <scope>.bias}, in the sub-scope
     * {@code scopeName}, or in the current scope when it is null.
     */
    public Value conv(String scopeName, ConvWeights w, Value x) {
        if (scopeName != null) {
            graph.pushScope(scopeName);
        }
        try {
            Value weight = graph.initializer("weight", w.weight(), w.shape());
            Value bias = graph.initializer("bias", w.bias(), w.shape()[0]);
            return graph.conv(x, weight, bias, w.strides(), w.pads(), w.dilations(), w.groups());
        } finally {
            if (scopeName != null) {
                graph.popScope();
            }
        }
    }

    /**
     * Reshapes {@code x} to the shape of {@code like}: constant dims when the shape is known, otherwise the shape
     * read in the graph (dynamic export).
     */
    public Value reshapeLike(Value x, Value like) {
        if (like.isStatic()) {
            return graph.reshape(x, like.shape());
        }
        return graph.reshape(x, graph.shape(like), like.shape());
    }
}
