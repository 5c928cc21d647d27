package dev.peregrine.exporter.precision;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The detection head's tail: every node downstream of a reshape that flattens a 4-D feature map into rows of
 * anchors (Ultralytics' {@code view(b, no, -1)}): DFL softmax and convolution, anchor and stride arithmetic, score
 * sigmoid, top-k of end-to-end heads. Both precision passes keep it in float32.
 */
final class HeadTail {
    private HeadTail() {
    }

    /** Indices of the tail nodes of {@code ix}, given ORT-inferred tensor types. */
    static Set<Integer> nodes(GraphIndex ix, Map<String, TensorType> types) {
        Set<Integer> flatten = new HashSet<>();
        for (int i = 0; i < ix.nodes.size(); i++) {
            NodeProto n = ix.nodes.get(i);
            if ((n.getOpType().equals("Reshape") || n.getOpType().equals("Flatten"))
                    && rank(types, n.getInput(0)) == 4 && rank(types, n.getOutput(0)) >= 0
                    && rank(types, n.getOutput(0)) < 4) {
                flatten.add(i);
            }
        }
        return ix.downstream(flatten);
    }

    private static int rank(Map<String, TensorType> types, String tensor) {
        TensorType t = types.get(tensor);
        return t == null ? -1 : t.rank();
    }
}
