package dev.peregrine.exporter.modules;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.exporter.ProgressListener;
import dev.peregrine.exporter.onnx.Value;
import dev.peregrine.exporter.pt.ModuleNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Emits a model's layer list the way Ultralytics' {@code BaseModel._predict_once} runs it: each layer takes the
 * previous output, or the saved outputs named by its {@code f} attribute (an index, or a list where -1 is the
 * previous output; negative indices count from the end as in Python), and every layer's output is kept for later
 * layers.
 */
public final class LayerWalker {
    private LayerWalker() {
    }

    /**
     * Emits every layer of {@code layers} (the model's {@code Sequential}) on {@code input}.
     *
     * @param scope name scope of the layer list ({@code model}), so layer {@code i} is named {@code model.i}
     * @return the last layer's outputs
     */
    public static List<Value> emit(EmitContext ctx, ModuleNode layers, String scope, Value input,
            ProgressListener progress) throws PeregrineException {
        List<List<Value>> saved = new ArrayList<>();
        List<Value> x = List.of(input);
        int count = layers.children().size();
        int position = 0;
        try {
            for (var entry : layers.children().entrySet()) {
                ModuleNode layer = entry.getValue();
                int index = (int) ModuleAttrs.longOr(layer, "i", position);
                if (index != position) {
                    throw ModuleAttrs.malformed(layer, "is layer " + position + " but says i=" + index);
                }
                ctx.enterLayer(index);
                progress.layer(index, count, layer.simpleName());
                List<Value> in = inputs(layer, x, saved);
                x = ctx.call(layer, scope + "." + entry.getKey(), in);
                saved.add(x);
                position++;
            }
        } finally {
            ctx.enterLayer(-1);
        }
        return x;
    }

    /** The inputs of {@code layer} from its {@code f} attribute. */
    static List<Value> inputs(ModuleNode layer, List<Value> previous, List<List<Value>> saved)
            throws PeregrineException {
        Object f = layer.hasAttr("f") ? layer.attr("f") : -1L;
        if (f instanceof Number n) {
            long j = n.longValue();
            return j == -1 ? previous : pick(layer, saved, j);
        }
        if (f instanceof List<?> list) {
            List<Value> out = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof Number n)) {
                    throw ModuleAttrs.malformed(layer, "has a non-integer entry in 'f': " + f);
                }
                List<Value> src = n.longValue() == -1 ? previous : pick(layer, saved, n.longValue());
                if (src.size() != 1) {
                    throw ModuleAttrs.malformed(layer, "takes input " + n + " which has " + src.size() + " tensors");
                }
                out.add(src.get(0));
            }
            return out;
        }
        throw ModuleAttrs.malformed(layer, "has 'f' = " + f + ", expected an int or a list of ints");
    }

    private static List<Value> pick(ModuleNode layer, List<List<Value>> saved, long j) throws PeregrineException {
        long idx = j < 0 ? saved.size() + j : j;
        if (idx < 0 || idx >= saved.size()) {
            throw ModuleAttrs.malformed(layer, "reads the output of layer " + j + ", which does not precede it");
        }
        return saved.get((int) idx);
    }
}
