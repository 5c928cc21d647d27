package dev.peregrine.exporter.precision;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.peregrine.engines.PeregrineException;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Who produces and who consumes each tensor of a graph, plus its initializers, inputs and outputs. */
final class GraphIndex {
    final GraphProto graph;
    final List<NodeProto> nodes;
    /** Tensor name to the index of the node producing it. */
    final Map<String, Integer> producer = new HashMap<>();
    /** Tensor name to the indices of the nodes reading it (once per node). */
    final Map<String, List<Integer>> consumers = new HashMap<>();
    final Map<String, TensorProto> initializers = new LinkedHashMap<>();
    final Set<String> graphInputs = new HashSet<>();
    final Set<String> graphOutputs = new HashSet<>();

    GraphIndex(GraphProto graph) {
        this.graph = graph;
        this.nodes = graph.getNodeList();
        for (TensorProto t : graph.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        for (ValueInfoProto v : graph.getInputList()) {
            if (!initializers.containsKey(v.getName())) {
                graphInputs.add(v.getName());
            }
        }
        for (ValueInfoProto v : graph.getOutputList()) {
            graphOutputs.add(v.getName());
        }
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto n = nodes.get(i);
            for (String o : n.getOutputList()) {
                if (!o.isEmpty()) {
                    producer.put(o, i);
                }
            }
            Set<String> seen = new HashSet<>();
            for (String in : n.getInputList()) {
                if (!in.isEmpty() && seen.add(in)) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
                }
            }
        }
    }

    /** The node producing {@code tensor}, or null for inputs, initializers and unknown names. */
    NodeProto producerOf(String tensor) {
        Integer i = producer.get(tensor);
        return i == null ? null : nodes.get(i);
    }

    /** Nodes reading {@code tensor}. */
    List<Integer> consumersOf(String tensor) {
        return consumers.getOrDefault(tensor, List.of());
    }

    /** Indices of every node reachable downstream from the nodes in {@code start} (included). */
    Set<Integer> downstream(Set<Integer> start) {
        Set<Integer> seen = new HashSet<>(start);
        Deque<Integer> work = new ArrayDeque<>(start);
        while (!work.isEmpty()) {
            NodeProto n = nodes.get(work.pop());
            for (String o : n.getOutputList()) {
                for (int c : consumersOf(o)) {
                    if (seen.add(c)) {
                        work.push(c);
                    }
                }
            }
        }
        return seen;
    }

    /** Refuses graphs whose nodes carry subgraphs (If, Loop, Scan): the passes do not descend into them. */
    void requireNoSubgraphs(String pass) throws PeregrineException {
        NodeProto n = firstWithSubgraph();
        if (n != null) {
            throw PeregrineException.unsupported("the " + pass + " pass does not handle subgraphs ("
                    + n.getOpType() + " node '" + n.getName() + "')");
        }
    }

    /** The first node carrying a subgraph (If, Loop, Scan), or null. */
    NodeProto firstWithSubgraph() {
        for (NodeProto n : nodes) {
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG() || a.getGraphsCount() > 0) {
                    return n;
                }
            }
        }
        return null;
    }

    /** True when the graph already holds quantization operators. */
    boolean isQuantized() {
        for (NodeProto n : nodes) {
            String op = n.getOpType();
            if (op.equals("QuantizeLinear") || op.equals("DequantizeLinear") || op.startsWith("QLinear")
                    || op.equals("ConvInteger") || op.equals("MatMulInteger") || op.equals("DynamicQuantizeLinear")) {
                return true;
            }
        }
        return false;
    }

    /** An attribute of a node, or null. */
    static AttributeProto attr(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }
}
