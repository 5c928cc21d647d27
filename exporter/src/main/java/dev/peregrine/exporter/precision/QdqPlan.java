package dev.peregrine.exporter.precision;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where Q/DQ pairs go, decided from the graph alone (no data):
 * <ul>
 *   <li>every convolution outside the head tail with a constant 4-D weight is quantized: per-channel int8 weights
 *       and a quantized activation input (what TensorRT fuses into int8 convolutions);</li>
 *   <li>its output is quantized too, which ONNX Runtime needs to fuse the group into {@code QLinearConv}
 *       (except the head's last convolutions unless asked: their logits go to float decoding);</li>
 *   <li>from every quantized tensor the plan walks back through layout-only operators (Concat, MaxPool, Resize,
 *       Split, Reshape, ...) and residual Adds, quantizing their inputs as well, so that these run on int8 data;</li>
 *   <li>tensors joined by a layout-only operator share one scale (inputs and output), as do the two inputs of a
 *       residual Add: concatenation and pooling then need no requantization in either runtime.</li>
 * </ul>
 */
final class QdqPlan {
    /** Operators that only move or select values: int8 in, int8 out with the same scale. */
    static final Set<String> LAYOUT_OPS = Set.of("Concat", "MaxPool", "Resize", "Split", "Reshape", "Flatten",
            "Transpose", "Squeeze", "Unsqueeze", "Slice");

    final List<Integer> convs = new ArrayList<>();
    /** Quantized activation tensors, in discovery order. */
    final Set<String> tensors = new LinkedHashSet<>();
    /** Tensor to its scale group's representative. */
    final Map<String, String> group = new HashMap<>();

    private final GraphIndex ix;
    private final Map<String, TensorType> types;

    private QdqPlan(GraphIndex ix, Map<String, TensorType> types) {
        this.ix = ix;
        this.types = types;
    }

    /** Plans the quantization of {@code ix}'s graph. */
    static QdqPlan build(GraphIndex ix, Map<String, TensorType> types, Int8Options options) {
        QdqPlan p = new QdqPlan(ix, types);
        Set<Integer> tail = HeadTail.nodes(ix, types);
        for (int i = 0; i < ix.nodes.size(); i++) {
            NodeProto n = ix.nodes.get(i);
            if (!n.getOpType().equals("Conv") || tail.contains(i) || options.excludeNodes().contains(n.getName())
                    || n.getInputCount() < 2 || !p.isFloat(n.getInput(0))) {
                continue;
            }
            TensorProto w = ix.initializers.get(n.getInput(1));
            if (w == null || w.getDataType() != TensorData.FLOAT || w.getDimsCount() != 4) {
                continue;
            }
            if (!options.quantizeFirstConv() && ix.graphInputs.contains(n.getInput(0))) {
                continue;
            }
            p.convs.add(i);
            p.tensors.add(n.getInput(0));
            if (options.quantizeHeadOutputs() || !p.feedsTail(n.getOutput(0), tail)) {
                p.tensors.add(n.getOutput(0));
            }
        }
        p.propagate(tail, options);
        p.groupScales(tail);
        return p;
    }

    private boolean isFloat(String tensor) {
        if (tensor.isEmpty()) {
            return false;
        }
        TensorType t = types.get(tensor);
        if (t != null) {
            return t.isFloat();
        }
        TensorProto init = ix.initializers.get(tensor);
        if (init != null) {
            return false; // constants are not activations
        }
        return ix.graphInputs.contains(tensor);
    }

    /** True when {@code tensor} reaches the head tail through layout-only operators. */
    private boolean feedsTail(String tensor, Set<Integer> tail) {
        Deque<String> work = new ArrayDeque<>(List.of(tensor));
        Set<String> seen = new LinkedHashSet<>(work);
        while (!work.isEmpty()) {
            String t = work.pop();
            for (int c : ix.consumersOf(t)) {
                if (tail.contains(c)) {
                    return true;
                }
                NodeProto n = ix.nodes.get(c);
                if (LAYOUT_OPS.contains(n.getOpType())) {
                    for (String o : n.getOutputList()) {
                        if (seen.add(o)) {
                            work.push(o);
                        }
                    }
                }
            }
        }
        return false;
    }

    /** Walks back from quantized tensors through layout-only operators and residual Adds. */
    private void propagate(Set<Integer> tail, Int8Options options) {
        Deque<String> work = new ArrayDeque<>(tensors);
        while (!work.isEmpty()) {
            String t = work.pop();
            Integer pi = ix.producer.get(t);
            if (pi == null || tail.contains(pi)) {
                continue;
            }
            NodeProto p = ix.nodes.get(pi);
            if (options.excludeNodes().contains(p.getName())) {
                continue;
            }
            List<String> inputs = new ArrayList<>();
            if (p.getOpType().equals("Concat") || p.getOpType().equals("Add")) {
                inputs.addAll(p.getInputList());
            } else if (LAYOUT_OPS.contains(p.getOpType())) {
                inputs.add(p.getInput(0));
            }
            boolean allFloat = !inputs.isEmpty() && inputs.stream().allMatch(this::isFloat);
            if (!allFloat) {
                continue; // e.g. an Add with a constant: leave it in float
            }
            for (String in : inputs) {
                if (tensors.add(in)) {
                    work.push(in);
                }
            }
        }
    }

    private void groupScales(Set<Integer> tail) {
        for (String t : tensors) {
            group.put(t, t);
        }
        for (int i = 0; i < ix.nodes.size(); i++) {
            NodeProto n = ix.nodes.get(i);
            if (tail.contains(i)) {
                continue;
            }
            if (LAYOUT_OPS.contains(n.getOpType())) {
                List<String> members = new ArrayList<>();
                List<String> data = n.getOpType().equals("Concat") ? n.getInputList() : List.of(n.getInput(0));
                for (String t : data) {
                    if (tensors.contains(t)) {
                        members.add(t);
                    }
                }
                for (String o : n.getOutputList()) {
                    if (tensors.contains(o)) {
                        members.add(o);
                    }
                }
                // a layout operator shares a scale only when all its data is quantized
                if (members.size() == data.size() + n.getOutputCount()) {
                    for (int k = 1; k < members.size(); k++) {
                        union(members.get(0), members.get(k));
                    }
                }
            } else if (n.getOpType().equals("Add") && n.getInputCount() == 2 && tensors.contains(n.getInput(0))
                    && tensors.contains(n.getInput(1))) {
                union(n.getInput(0), n.getInput(1));
            }
        }
    }

    /** The representative of {@code t}'s scale group. */
    String root(String t) {
        String r = t;
        while (!group.get(r).equals(r)) {
            r = group.get(r);
        }
        // path compression
        String c = t;
        while (!group.get(c).equals(r)) {
            String next = group.get(c);
            group.put(c, r);
            c = next;
        }
        return r;
    }

    private void union(String a, String b) {
        String ra = root(a);
        String rb = root(b);
        if (!ra.equals(rb)) {
            group.put(rb, ra);
        }
    }
}
