package dev.peregrine.exporter.precision;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads how a graph quantizes its activations ({@link ActivationQuantization}) and owns the rule for which
 * quantizers the uint8 rewrite ({@link PrecisionPasses#int8ActivationsToUint8}) shifts, so that the classification
 * and the rewrite cannot disagree.
 *
 * <p>The graph is the evidence, not the {@code precision} metadata: Q/DQ models from other tools (ONNX Runtime's
 * {@code quantize_static}, NVIDIA's ModelOpt) do not write it, and it says nothing about the activation type. What
 * decides the type a {@code QuantizeLinear} produces is its zero point's element type (uint8 when it has none,
 * unless opset 21's {@code output_dtype} says otherwise); a quantizer whose input is an initializer or a
 * {@code Constant} quantizes a weight, any other quantizes an activation.
 */
final class ActivationQuantizers {
    private static final String QUANTIZE = "QuantizeLinear";
    private static final String DEQUANTIZE = "DequantizeLinear";

    private ActivationQuantizers() {
    }

    /** How {@code model} quantizes its activations. */
    static ActivationQuantization classify(ModelProto model) {
        GraphIndex ix = new GraphIndex(model.getGraph());
        Map<String, TensorProto> constants = constants(ix);
        boolean int8 = false;
        boolean uint8 = false;
        boolean convertible = true;
        for (NodeProto n : ix.nodes) {
            if (!n.getOpType().equals(QUANTIZE) || n.getInputCount() == 0) {
                continue;
            }
            // the rewrite shifts every quantizer it can, weights included: each must leave a valid graph
            convertible &= shiftsConsistently(n, ix);
            if (constants.containsKey(n.getInput(0))) {
                continue; // a weight quantizer
            }
            int type = outputType(n, constants);
            if (type == TensorData.INT8) {
                int8 = true;
                convertible &= shifts(n, ix.initializers);
            } else if (type == TensorData.UINT8) {
                uint8 = true;
            }
        }
        if (!int8) {
            return uint8 ? ActivationQuantization.UINT8 : ActivationQuantization.NONE;
        }
        // The rewrite does not descend into subgraphs, and a loader that stores the result elsewhere would lose
        // the relative paths of external weight files.
        convertible &= ix.firstWithSubgraph() == null && !hasExternalData(ix);
        return convertible ? ActivationQuantization.INT8 : ActivationQuantization.INT8_NOT_CONVERTIBLE;
    }

    /**
     * Whether the rewrite moves this {@code QuantizeLinear} or {@code DequantizeLinear} to uint8: its zero point is
     * one inline int8 value (the form Peregrine's INT8 pass and ONNX's own helpers write).
     */
    static boolean shifts(NodeProto n, Map<String, TensorProto> initializers) {
        if (n.getInputCount() < 3) {
            return false;
        }
        TensorProto zp = initializers.get(n.getInput(2));
        return zp != null && zp.getDataType() == TensorData.INT8 && zp.getDimsCount() == 0
                && zp.getDataLocation() != TensorProto.DataLocation.EXTERNAL && zp.getRawData().size() == 1;
    }

    /**
     * A quantizer and the dequantizers reading it must move together: a shifted quantizer's output must be read
     * only by dequantizers that are shifted too (and not leave the graph), and an unshifted one's by none that are.
     */
    private static boolean shiftsConsistently(NodeProto q, GraphIndex ix) {
        boolean shifted = shifts(q, ix.initializers);
        String out = q.getOutput(0);
        if (shifted && ix.graphOutputs.contains(out)) {
            return false;
        }
        for (int c : ix.consumersOf(out)) {
            NodeProto consumer = ix.nodes.get(c);
            boolean isDq = consumer.getOpType().equals(DEQUANTIZE) && consumer.getInput(0).equals(out);
            if (isDq ? shifts(consumer, ix.initializers) != shifted : shifted) {
                return false;
            }
        }
        return true;
    }

    /** The element type a quantizer produces, or 0 when it cannot be told from the graph. */
    private static int outputType(NodeProto q, Map<String, TensorProto> constants) {
        if (q.getInputCount() >= 3 && !q.getInput(2).isEmpty()) {
            TensorProto zp = constants.get(q.getInput(2));
            return zp == null ? 0 : zp.getDataType();
        }
        AttributeProto dtype = GraphIndex.attr(q, "output_dtype");
        return dtype == null || dtype.getI() == 0 ? TensorData.UINT8 : (int) dtype.getI();
    }

    /** Initializers and {@code Constant} node values by tensor name. */
    private static Map<String, TensorProto> constants(GraphIndex ix) {
        Map<String, TensorProto> out = new HashMap<>(ix.initializers);
        for (NodeProto n : ix.nodes) {
            AttributeProto value = n.getOpType().equals("Constant") ? GraphIndex.attr(n, "value") : null;
            if (value != null && value.hasT() && n.getOutputCount() > 0) {
                out.put(n.getOutput(0), value.getT());
            }
        }
        return out;
    }

    private static boolean hasExternalData(GraphIndex ix) {
        for (TensorProto t : ix.initializers.values()) {
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                return true;
            }
        }
        return false;
    }
}
