package dev.peregrine.exporter.precision;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.peregrine.engines.PeregrineException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a {@link QdqPlan} into the graph: int8 per-channel weights behind {@code DequantizeLinear} (axis 0),
 * int32 biases with scale {@code s_x * s_w} (unless float biases are asked for), and a
 * {@code QuantizeLinear -> DequantizeLinear} pair after every planned activation, whose consumers then read the
 * dequantized tensor. Activations are symmetric int8 (zero point 0, scale {@code amax / 127}).
 */
final class QdqRewriter {
    private static final int QMAX = 127;

    private final GraphIndex ix;
    private final QdqPlan plan;
    private final Map<String, Double> groupAmax;
    private final Int8Options options;
    private final Set<String> names = new HashSet<>();
    private final List<TensorProto> newInits = new ArrayList<>();
    private final Map<String, String> scaleName = new HashMap<>();
    private final Map<String, String> zeroPointName = new HashMap<>();
    private final Map<String, Float> scaleValue = new HashMap<>();
    private final Map<String, float[]> weightScales = new HashMap<>();
    private final Map<String, String> weightDequantized = new HashMap<>();

    private QdqRewriter(GraphIndex ix, QdqPlan plan, Map<String, Double> groupAmax, Int8Options options) {
        this.ix = ix;
        this.plan = plan;
        this.groupAmax = groupAmax;
        this.options = options;
    }

    /**
     * Rewrites {@code model}.
     *
     * @param groupAmax clipping threshold per scale-group representative
     */
    static ModelProto rewrite(ModelProto model, GraphIndex ix, QdqPlan plan, Map<String, Double> groupAmax,
                              Int8Options options) throws PeregrineException {
        return new QdqRewriter(ix, plan, groupAmax, options).run(model);
    }

    private ModelProto run(ModelProto model) throws PeregrineException {
        for (NodeProto n : ix.nodes) {
            names.add(n.getName());
            names.addAll(n.getInputList());
            names.addAll(n.getOutputList());
        }
        names.addAll(ix.initializers.keySet());
        names.addAll(ix.graphInputs);

        // activation scales, one per group
        for (String t : plan.tensors) {
            String root = plan.root(t);
            if (!scaleName.containsKey(root)) {
                double amax = groupAmax.getOrDefault(root, 0.0);
                float scale = (float) (Math.max(amax, 1e-6) / QMAX);
                String s = unique(root + "_scale");
                String z = unique(root + "_zero_point");
                newInits.add(TensorData.floatTensor(s, new long[0], new float[] {scale}));
                newInits.add(TensorData.byteTensor(z, TensorData.INT8, new long[0], new byte[] {0}));
                scaleName.put(root, s);
                zeroPointName.put(root, z);
                scaleValue.put(root, scale);
            }
        }

        List<NodeProto> head = new ArrayList<>(); // weight/bias dequantization, at the top of the graph
        Map<String, String> rename = new HashMap<>(); // activation -> its dequantized name
        Map<String, List<NodeProto>> after = new HashMap<>(); // producer output -> Q/DQ nodes to emit after it
        for (String t : plan.tensors) {
            String root = plan.root(t);
            String s = scaleName.get(root);
            String z = zeroPointName.get(root);
            String q = unique(t + "_quantized");
            String dq = unique(t + "_dequantized");
            List<NodeProto> pair = List.of(
                    node("QuantizeLinear", t + "_QuantizeLinear", List.of(t, s, z), q, null),
                    node("DequantizeLinear", t + "_DequantizeLinear", List.of(q, s, z), dq, null));
            if (ix.producer.containsKey(t)) {
                after.put(t, pair);
            } else {
                head.addAll(pair);
            }
            rename.put(t, dq);
        }

        Map<Integer, NodeProto> rewrittenConvs = new HashMap<>();
        Set<String> replacedWeights = new HashSet<>();
        for (int ci : plan.convs) {
            NodeProto conv = ix.nodes.get(ci);
            NodeProto.Builder b = conv.toBuilder();
            String w = conv.getInput(1);
            TensorProto wt = ix.initializers.get(w);
            float[] wScales = quantizeWeights(wt, head);
            b.setInput(1, weightDequantized.get(w));
            replacedWeights.add(w);
            if (conv.getInputCount() > 2 && !conv.getInput(2).isEmpty() && !options.floatBias()) {
                String x = conv.getInput(0);
                float sx = scaleValue.get(plan.root(x));
                b.setInput(2, quantizeBias(ix.initializers.get(conv.getInput(2)), sx, wScales, head));
                replacedWeights.add(conv.getInput(2));
            }
            rewrittenConvs.put(ci, b.build());
        }

        List<NodeProto> out = new ArrayList<>(head);
        for (int i = 0; i < ix.nodes.size(); i++) {
            NodeProto n = rewrittenConvs.getOrDefault(i, ix.nodes.get(i));
            NodeProto.Builder b = n.toBuilder();
            for (int k = 0; k < b.getInputCount(); k++) {
                String r = rename.get(b.getInput(k));
                if (r != null) {
                    b.setInput(k, r);
                }
            }
            out.add(b.build());
            for (String o : n.getOutputList()) {
                List<NodeProto> pair = after.get(o);
                if (pair != null) {
                    out.addAll(pair);
                }
            }
        }

        GraphProto.Builder g = model.getGraph().toBuilder().clearNode().addAllNode(out).clearInitializer();
        for (TensorProto t : ix.initializers.values()) {
            // a weight or bias only the quantized convolutions read is replaced by its integer version
            if (!replacedWeights.contains(t.getName()) || readByOthers(t.getName())) {
                g.addInitializer(t);
            }
        }
        g.addAllInitializer(newInits);
        return Metadata.withPrecision(model.toBuilder().setGraph(g).build(), "int8");
    }

    private boolean readByOthers(String initializer) {
        for (int c : ix.consumersOf(initializer)) {
            if (!plan.convs.contains(c)) {
                return true;
            }
        }
        return ix.graphOutputs.contains(initializer);
    }

    /** Per-output-channel symmetric int8 weights; returns the scales. Adds the DQ node to {@code head}. */
    private float[] quantizeWeights(TensorProto w, List<NodeProto> head) throws PeregrineException {
        String name = w.getName();
        if (weightScales.containsKey(name)) {
            return weightScales.get(name); // a weight shared by several convolutions is quantized once
        }
        float[] v = TensorData.floats(w);
        int cout = (int) w.getDims(0);
        int per = v.length / cout;
        float[] scales = new float[cout];
        byte[] q = new byte[v.length];
        for (int c = 0; c < cout; c++) {
            float amax = 0;
            for (int k = 0; k < per; k++) {
                amax = Math.max(amax, Math.abs(v[c * per + k]));
            }
            float s = amax > 0 ? amax / QMAX : 1f;
            scales[c] = s;
            for (int k = 0; k < per; k++) {
                q[c * per + k] = (byte) clamp(Math.round(v[c * per + k] / s), -QMAX, QMAX);
            }
        }
        long[] dims = w.getDimsList().stream().mapToLong(Long::longValue).toArray();
        String wq = unique(name + "_quantized");
        String ws = unique(name + "_scale");
        String wz = unique(name + "_zero_point");
        String wd = unique(name + "_dequantized");
        newInits.add(TensorData.byteTensor(wq, TensorData.INT8, dims, q));
        newInits.add(TensorData.floatTensor(ws, new long[] {cout}, scales));
        newInits.add(TensorData.byteTensor(wz, TensorData.INT8, new long[] {cout}, new byte[cout]));
        head.add(node("DequantizeLinear", name + "_DequantizeLinear", List.of(wq, ws, wz), wd, 0L));
        weightScales.put(name, scales);
        weightDequantized.put(name, wd);
        return scales;
    }

    /** int32 bias with scale {@code s_x * s_w[c]} per channel; returns the dequantized name. */
    private String quantizeBias(TensorProto bias, float sx, float[] sw, List<NodeProto> head)
            throws PeregrineException {
        if (bias == null) {
            throw PeregrineException.unsupported("a convolution bias is computed at run time; INT8 needs constant biases");
        }
        float[] v = TensorData.floats(bias);
        int[] q = new int[v.length];
        float[] scales = new float[v.length];
        for (int c = 0; c < v.length; c++) {
            float s = sx * sw[c];
            scales[c] = s;
            double r = Math.rint(v[c] / (double) s);
            q[c] = (int) Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, r));
        }
        String base = bias.getName();
        String bq = unique(base + "_quantized");
        String bs = unique(base + "_scale");
        String bz = unique(base + "_zero_point");
        String bd = unique(base + "_dequantized");
        newInits.add(TensorData.intTensor(bq, new long[] {v.length}, q));
        newInits.add(TensorData.floatTensor(bs, new long[] {v.length}, scales));
        newInits.add(TensorData.intTensor(bz, new long[] {v.length}, new int[v.length]));
        head.add(node("DequantizeLinear", bd + "_node", List.of(bq, bs, bz), bd, 0L));
        return bd;
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private NodeProto node(String op, String name, List<String> inputs, String output, Long axis) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(unique(name)).addAllInput(inputs)
                .addOutput(output);
        if (axis != null) {
            b.addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                    .setI(axis));
        }
        return b.build();
    }

    private String unique(String base) {
        String n = base;
        int i = 1;
        while (!names.add(n)) {
            n = base + "_" + i++;
        }
        return n;
    }
}
