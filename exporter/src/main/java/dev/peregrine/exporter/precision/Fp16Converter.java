package dev.peregrine.exporter.precision;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.peregrine.engines.PeregrineException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts a float32 ONNX graph to FP16 compute with float32 graph inputs and outputs.
 *
 * <p>Every node is given a mode: FP16 (its float tensors become float16), FP32 (kept: head tail, operators
 * without FP16 kernels, large magnitudes, user choice) or neutral (no float tensors, e.g. shape arithmetic, which
 * stays untouched, int64 included). A node input whose available type differs from what its node wants gets a
 * {@code Cast}, shared by all consumers wanting the same type. Weights and constants are converted offline
 * rather than cast at run time; a constant read in both precisions is stored twice. Resize's {@code roi} and
 * {@code scales} always stay float32, as the operator requires. Graph outputs produced in FP16 are renamed and
 * cast back to float32 under their original name.
 */
final class Fp16Converter {
    private static final Logger LOG = LoggerFactory.getLogger(Fp16Converter.class);
    private static final int NONE = 0;
    private static final int F32 = TensorData.FLOAT;
    private static final int F16 = TensorData.FLOAT16;
    /** Operators whose ONNX type constraints exclude float16 (or that generate data): always float32. */
    private static final Set<String> NO_FP16 = Set.of("NonMaxSuppression", "Range", "RandomNormal", "RandomUniform",
            "RandomNormalLike", "RandomUniformLike", "EyeLike", "Multinomial", "Bernoulli");
    /** Operators that read only the shape of their input: fed whatever version exists. */
    private static final Set<String> SHAPE_ONLY = Set.of("Shape", "Size");

    private enum Mode { FP16, FP32, NEUTRAL, CONSTANT }

    private final ModelProto model;
    private final Fp16Options options;
    private final GraphIndex ix;
    private Map<String, TensorType> types;
    private final Map<String, Map<Integer, String>> versions = new HashMap<>();
    private final Set<String> names = new HashSet<>();
    private final List<NodeProto> out = new ArrayList<>();
    private int casts;

    private Fp16Converter(ModelProto model, Fp16Options options) {
        this.model = model;
        this.options = options;
        this.ix = new GraphIndex(model.getGraph());
    }

    /** Converts {@code model}; see the class comment. */
    static ModelProto convert(ModelProto model, Fp16Options options) throws PeregrineException {
        return new Fp16Converter(model, options).run();
    }

    private ModelProto run() throws PeregrineException {
        ix.requireNoSubgraphs("FP16");
        if (ix.isQuantized()) {
            throw PeregrineException.badInput("the model is already quantized (it has Q/DQ or integer operators)");
        }
        for (TensorProto t : ix.initializers.values()) {
            if (t.getDataType() == F16) {
                throw PeregrineException.badInput("the model already holds FP16 weights ('" + t.getName() + "')");
            }
        }
        Map<String, Float> maxAbs = new HashMap<>();
        try (ModelProbe probe = ModelProbe.allTensors(model)) {
            types = probe.types();
            for (Map.Entry<String, TensorType> e : types.entrySet()) {
                if (e.getValue().elemType() == F16) {
                    throw PeregrineException.badInput("the model already computes in FP16 ('" + e.getKey() + "')");
                }
            }
            if (Float.isFinite(options.maxMagnitude())) {
                long[] shape = ProbeInput.imageShape(model, probe.inputShape(), 1);
                probe.run(ProbeInput.noise(shape), shape, (name, s, data) -> {
                    float m = 0;
                    while (data.hasRemaining()) {
                        m = Math.max(m, Math.abs(data.get()));
                    }
                    maxAbs.put(name, m);
                });
            }
        }
        for (NodeProto n : ix.nodes) {
            names.add(n.getName());
            names.addAll(n.getOutputList());
            names.addAll(n.getInputList());
        }
        names.addAll(ix.initializers.keySet());

        Mode[] modes = decideModes(maxAbs);
        int[][] wants = requirements(modes);
        GraphProto.Builder g = model.getGraph().toBuilder().clearNode().clearInitializer();
        convertInitializers(g, wants);
        for (String in : ix.graphInputs) {
            versions.computeIfAbsent(in, k -> new HashMap<>()).put(typeOf(in), in);
        }
        for (int i = 0; i < ix.nodes.size(); i++) {
            if (modes[i] == Mode.CONSTANT) {
                emitConstant(ix.nodes.get(i), wants);
            } else {
                emitNode(ix.nodes.get(i), modes[i], wants[i]);
            }
        }
        g.addAllNode(out);
        updateValueInfo(g);

        int fp16 = 0;
        int fp32 = 0;
        for (Mode m : modes) {
            fp16 += m == Mode.FP16 ? 1 : 0;
            fp32 += m == Mode.FP32 ? 1 : 0;
        }
        LOG.info("FP16: {} nodes in FP16, {} kept in FP32, {} casts inserted", fp16, fp32, casts);
        return Metadata.withPrecision(model.toBuilder().setGraph(g).build(), "fp16");
    }

    private int typeOf(String tensor) {
        TensorType t = types.get(tensor);
        if (t != null) {
            return t.elemType();
        }
        TensorProto init = ix.initializers.get(tensor);
        if (init != null) {
            return init.getDataType();
        }
        for (ValueInfoProto v : model.getGraph().getInputList()) {
            if (v.getName().equals(tensor)) {
                return v.getType().getTensorType().getElemType();
            }
        }
        return NONE;
    }

    private Mode[] decideModes(Map<String, Float> maxAbs) {
        Mode[] modes = new Mode[ix.nodes.size()];
        Set<Integer> fp32 = new HashSet<>();
        for (int i = 0; i < ix.nodes.size(); i++) {
            NodeProto n = ix.nodes.get(i);
            String op = n.getOpType();
            if (NO_FP16.contains(op) || options.keepOpTypes().contains(op) || options.keepNodes().contains(n.getName())) {
                fp32.add(i);
            }
            for (String o : n.getOutputList()) {
                Float m = maxAbs.get(o);
                if (m != null && m > options.maxMagnitude()) {
                    LOG.info("FP16: keeping {} '{}' in FP32 (|output| reaches {})", op, n.getName(), m);
                    fp32.add(i);
                }
            }
        }
        if (options.keepHeadFp32()) {
            fp32.addAll(HeadTail.nodes(ix, types));
        }
        for (int i = 0; i < ix.nodes.size(); i++) {
            NodeProto n = ix.nodes.get(i);
            boolean floats = false;
            for (String t : n.getInputList()) {
                floats |= !t.isEmpty() && typeOf(t) == F32;
            }
            for (String t : n.getOutputList()) {
                floats |= !t.isEmpty() && typeOf(t) == F32;
            }
            if (n.getOpType().equals("Constant")) {
                modes[i] = Mode.CONSTANT;
            } else if (!floats || SHAPE_ONLY.contains(n.getOpType())) {
                modes[i] = Mode.NEUTRAL;
            } else {
                modes[i] = fp32.contains(i) ? Mode.FP32 : Mode.FP16;
            }
        }
        return modes;
    }

    /** {@code wants[node][input]}: the element type each node wants for each input (NONE: any). */
    private int[][] requirements(Mode[] modes) {
        int[][] wants = new int[ix.nodes.size()][];
        for (int i = 0; i < ix.nodes.size(); i++) {
            NodeProto n = ix.nodes.get(i);
            wants[i] = new int[n.getInputCount()];
            for (int k = 0; k < n.getInputCount(); k++) {
                String t = n.getInput(k);
                if (t.isEmpty() || typeOf(t) != F32 || modes[i] == Mode.NEUTRAL) {
                    wants[i][k] = NONE;
                } else if (modes[i] == Mode.FP16 && !keepsFloat32Input(n.getOpType(), k)) {
                    wants[i][k] = F16;
                } else {
                    wants[i][k] = F32;
                }
            }
        }
        return wants;
    }

    /** Inputs that stay float32 inside an FP16 node: Resize's roi and scales, Upsample's scales. */
    private static boolean keepsFloat32Input(String op, int index) {
        return (op.equals("Resize") && (index == 1 || index == 2)) || (op.equals("Upsample") && index == 1);
    }

    /** The element types the consumers of a static tensor want, plus float32 when a graph output or shape-only. */
    private Set<Integer> wanted(String tensor, int[][] wants) {
        Set<Integer> s = new HashSet<>();
        for (int c : ix.consumersOf(tensor)) {
            NodeProto n = ix.nodes.get(c);
            for (int k = 0; k < n.getInputCount(); k++) {
                if (n.getInput(k).equals(tensor)) {
                    s.add(wants[c][k] == NONE ? F32 : wants[c][k]);
                }
            }
        }
        if (ix.graphOutputs.contains(tensor)) {
            s.add(F32);
        }
        return s;
    }

    private void convertInitializers(GraphProto.Builder g, int[][] wants) throws PeregrineException {
        for (TensorProto t : ix.initializers.values()) {
            Map<Integer, String> v = versions.computeIfAbsent(t.getName(), k -> new HashMap<>());
            Set<Integer> w = wanted(t.getName(), wants);
            if (t.getDataType() != F32 || !w.contains(F16)) {
                g.addInitializer(t);
                v.put(t.getDataType(), t.getName());
            } else if (!w.contains(F32) && !ix.graphInputs.contains(t.getName())) {
                g.addInitializer(TensorData.toFloat16(t, t.getName()));
                v.put(F16, t.getName());
            } else {
                String copy = unique(t.getName() + "__fp16");
                g.addInitializer(t);
                g.addInitializer(TensorData.toFloat16(t, copy));
                v.put(F32, t.getName());
                v.put(F16, copy);
            }
        }
    }

    private void emitConstant(NodeProto n, int[][] wants) throws PeregrineException {
        String o = n.getOutput(0);
        AttributeProto value = GraphIndex.attr(n, "value");
        Set<Integer> w = wanted(o, wants);
        Map<Integer, String> v = versions.computeIfAbsent(o, k -> new HashMap<>());
        if (value == null || value.getT().getDataType() != F32 || !w.contains(F16)) {
            out.add(n);
            v.put(typeOf(o), o);
            return;
        }
        if (!w.contains(F32)) {
            out.add(withValue(n, o, TensorData.toFloat16(value.getT(), "")));
            v.put(F16, o);
        } else {
            String copy = unique(o + "__fp16");
            out.add(n);
            out.add(withValue(n, copy, TensorData.toFloat16(value.getT(), "")).toBuilder()
                    .setName(unique(n.getName() + "__fp16")).build());
            v.put(F32, o);
            v.put(F16, copy);
        }
    }

    private static NodeProto withValue(NodeProto n, String output, TensorProto value) {
        NodeProto.Builder b = n.toBuilder().clearAttribute().clearOutput().addOutput(output);
        for (AttributeProto a : n.getAttributeList()) {
            b.addAttribute(a.getName().equals("value") ? a.toBuilder().setT(value).build() : a);
        }
        return b.build();
    }

    private void emitNode(NodeProto n, Mode mode, int[] wants) throws PeregrineException {
        NodeProto.Builder b = n.toBuilder().clearInput().clearOutput();
        for (int k = 0; k < n.getInputCount(); k++) {
            String t = n.getInput(k);
            b.addInput(t.isEmpty() ? t : version(t, wants[k]));
        }
        List<NodeProto> after = new ArrayList<>();
        for (String o : n.getOutputList()) {
            if (o.isEmpty()) {
                b.addOutput(o);
                continue;
            }
            int type = typeOf(o);
            Map<Integer, String> v = versions.computeIfAbsent(o, k -> new HashMap<>());
            if (mode == Mode.FP16 && type == F32) {
                if (ix.graphOutputs.contains(o)) {
                    String o16 = unique(o + "__fp16");
                    b.addOutput(o16);
                    v.put(F16, o16);
                    after.add(cast(o16, o, F32));
                    v.put(F32, o);
                } else {
                    b.addOutput(o);
                    v.put(F16, o);
                }
            } else {
                b.addOutput(o);
                v.put(type, o);
            }
        }
        if (mode == Mode.FP16) {
            retypeAttributes(b);
        }
        out.add(b.build());
        out.addAll(after);
    }

    /** In an FP16 node, attributes that name or hold float32 data switch to float16 (Cast, ConstantOfShape). */
    private static void retypeAttributes(NodeProto.Builder b) throws PeregrineException {
        for (int i = 0; i < b.getAttributeCount(); i++) {
            AttributeProto a = b.getAttribute(i);
            if (b.getOpType().equals("Cast") && a.getName().equals("to") && a.getI() == F32) {
                b.setAttribute(i, a.toBuilder().setI(F16).build());
            } else if (b.getOpType().equals("ConstantOfShape") && a.getName().equals("value")
                    && a.getT().getDataType() == F32) {
                b.setAttribute(i, a.toBuilder().setT(TensorData.toFloat16(a.getT(), a.getT().getName())).build());
            }
        }
    }

    /** The name of {@code tensor} in element type {@code want}, inserting a shared Cast when needed. */
    private String version(String tensor, int want) {
        Map<Integer, String> v = versions.get(tensor);
        if (v == null || v.isEmpty()) {
            return tensor; // produced later or outside our view: leave untouched
        }
        if (want == NONE) {
            return v.containsKey(F32) ? v.get(F32) : v.values().iterator().next();
        }
        String have = v.get(want);
        if (have != null) {
            return have;
        }
        String src = v.values().iterator().next();
        String name = unique(tensor + (want == F16 ? "__fp16" : "__fp32"));
        out.add(cast(src, name, want));
        v.put(want, name);
        return name;
    }

    private NodeProto cast(String from, String to, int type) {
        casts++;
        return NodeProto.newBuilder().setOpType("Cast").setName(unique("Cast_" + to)).addInput(from).addOutput(to)
                .addAttribute(AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT)
                        .setI(type)).build();
    }

    private String unique(String base) {
        String n = base;
        int i = 1;
        while (!names.add(n)) {
            n = base + "_" + i++;
        }
        return n;
    }

    /** value_info entries of tensors that are now float16 under the same name get the new element type. */
    private void updateValueInfo(GraphProto.Builder g) {
        for (int i = 0; i < g.getValueInfoCount(); i++) {
            ValueInfoProto vi = g.getValueInfo(i);
            Map<Integer, String> v = versions.get(vi.getName());
            if (v != null && vi.getName().equals(v.get(F16)) && vi.getType().hasTensorType()) {
                TypeProto.Builder t = vi.getType().toBuilder();
                t.getTensorTypeBuilder().setElemType(F16);
                g.setValueInfo(i, vi.toBuilder().setType(t).build());
            }
        }
    }
}
