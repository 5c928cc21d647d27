package dev.peregrine.exporter.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds an ONNX graph node by node: unique value and node names derived from a module scope, FP32 initializers,
 * int64 constants, and one typed method per operator that also infers the output shape (so that emitters can read
 * static feature-map sizes, and fall back to in-graph shape arithmetic where a dimension is dynamic).
 *
 * <p>Names are deterministic: the same sequence of calls yields the same graph, byte for byte. Node names look like
 * {@code /model.2/cv1/conv/Conv}, initializers like {@code model.2.cv1.conv.weight}, the names Ultralytics' exports
 * use, so that a graph can be read against the module tree.
 */
public final class OnnxGraphBuilder {
    private final int opset;
    private final List<NodeProto.Builder> nodes = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();
    private final List<ValueInfoProto> inputs = new ArrayList<>();
    private final List<ValueInfoProto> outputs = new ArrayList<>();
    private final Set<String> valueNames = new HashSet<>();
    private final Map<String, Integer> nodeNameUses = new HashMap<>();
    private final Map<String, long[]> constantValues = new HashMap<>();
    private final Deque<String> scope = new ArrayDeque<>();

    /**
     * @param opset the ONNX default-domain opset the graph targets (decides the form of a few operators)
     */
    public OnnxGraphBuilder(int opset) {
        this.opset = opset;
    }

    /** The targeted opset. */
    public int opset() {
        return opset;
    }

    // ---------------------------------------------------------------- scopes and names

    /** Enters a module scope (e.g. {@code model.2}, then {@code cv1}); names below it are prefixed with it. */
    public void pushScope(String name) {
        scope.addLast(name);
    }

    /** Leaves the innermost scope. */
    public void popScope() {
        scope.removeLast();
    }

    /** The current scope as a dotted path ({@code model.2.cv1}), empty at the top. */
    public String scopePath() {
        return String.join(".", scope);
    }

    private String nodeName(String opType) {
        String base = "/" + (scope.isEmpty() ? "" : String.join("/", scope) + "/") + opType;
        int uses = nodeNameUses.merge(base, 1, Integer::sum);
        return uses == 1 ? base : base + "_" + (uses - 1);
    }

    private String uniqueValueName(String wanted) {
        String name = wanted;
        for (int k = 1; !valueNames.add(name); k++) {
            name = wanted + "_" + k;
        }
        return name;
    }

    // ---------------------------------------------------------------- graph inputs, outputs, tensors

    /**
     * Declares a float graph input.
     *
     * @param dims       dimensions, {@code -1} where dynamic
     * @param dimParams  symbolic names of dynamic dimensions ({@code batch}, {@code height}); null entries for static ones
     */
    public Value addInput(String name, long[] dims, String[] dimParams) {
        if (!valueNames.add(name)) {
            throw new IllegalStateException("duplicate value name " + name);
        }
        inputs.add(valueInfo(name, DataType.FLOAT, dims, dimParams));
        return new Value(name, DataType.FLOAT, dims);
    }

    /**
     * Declares {@code v} a graph output under {@code name}, renaming the value (and its uses) when needed.
     *
     * @param dimParams symbolic names of dynamic output dimensions, null entries where the dimension is static
     */
    public Value addOutput(Value v, String name, long[] dims, String[] dimParams) {
        Value out = v;
        if (!v.name().equals(name)) {
            if (valueNames.contains(name)) {
                throw new IllegalStateException("output name " + name + " already used by another value");
            }
            renameValue(v.name(), name);
            out = new Value(name, v.type(), v.shape());
        }
        outputs.add(valueInfo(name, v.type(), dims, dimParams));
        return out;
    }

    private void renameValue(String from, String to) {
        valueNames.remove(from);
        valueNames.add(to);
        for (NodeProto.Builder n : nodes) {
            for (int i = 0; i < n.getOutputCount(); i++) {
                if (n.getOutput(i).equals(from)) {
                    n.setOutput(i, to);
                }
            }
            for (int i = 0; i < n.getInputCount(); i++) {
                if (n.getInput(i).equals(from)) {
                    n.setInput(i, to);
                }
            }
        }
    }

    private static ValueInfoProto valueInfo(String name, DataType type, long[] dims, String[] dimParams) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
            if (dimParams != null && dimParams[i] != null) {
                d.setDimParam(dimParams[i]);
            } else if (dims[i] >= 0) {
                d.setDimValue(dims[i]);
            }
            shape.addDim(d);
        }
        TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape);
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
    }

    /**
     * Adds a float32 initializer named {@code <scope>.<localName>} (e.g. {@code model.0.conv.weight}).
     */
    public Value initializer(String localName, float[] data, long... dims) {
        String base = scope.isEmpty() ? localName : scopePath() + "." + localName;
        String name = uniqueValueName(base);
        initializers.add(Tensors.floats(name, data, dims));
        return new Value(name, DataType.FLOAT, dims);
    }

    /** A float32 scalar (rank 0) initializer. */
    public Value scalar(String localName, float v) {
        return initializer(localName, new float[] {v});
    }

    /** An int64 constant (a {@code Constant} node, as exporters write shape vectors). */
    public Value constantLongs(long[] values, long... dims) {
        String node = nodeName("Constant");
        String out = uniqueValueName(node + "_output_0");
        nodes.add(NodeProto.newBuilder().setOpType("Constant").setName(node).addOutput(out)
                .addAttribute(Attr.t("value", Tensors.longs(null, values, dims))));
        constantValues.put(out, values.clone());
        return new Value(out, DataType.INT64, dims);
    }

    /** A 1-D int64 constant. */
    public Value longs(long... values) {
        return constantLongs(values, values.length);
    }

    /** A rank-0 int64 constant. */
    public Value longScalar(long v) {
        return constantLongs(new long[] {v});
    }

    /** The values of an int64 constant made by this builder, or null when {@code v} is not one. */
    public long[] constantValue(Value v) {
        long[] c = constantValues.get(v.name());
        return c == null ? null : c.clone();
    }

    // ---------------------------------------------------------------- generic node

    /**
     * Adds a node. {@code outputShapes} gives the type and inferred shape of each output.
     *
     * @param inputs inputs in order; a null entry is an omitted optional input
     */
    public List<Value> node(String opType, List<Value> inputs, List<AttributeProto> attributes,
            List<Value> outputShapes) {
        String name = nodeName(opType);
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(name);
        for (Value in : inputs) {
            n.addInput(in == null ? "" : in.name());
        }
        List<Value> outs = new ArrayList<>(outputShapes.size());
        for (int i = 0; i < outputShapes.size(); i++) {
            String out = uniqueValueName(name + "_output_" + i);
            n.addOutput(out);
            outs.add(new Value(out, outputShapes.get(i).type(), outputShapes.get(i).shape()));
        }
        n.addAllAttribute(attributes);
        nodes.add(n);
        return outs;
    }

    private Value node1(String opType, List<Value> inputs, List<AttributeProto> attributes, DataType type,
            long[] shape) {
        return node(opType, inputs, attributes, List.of(new Value("?", type, shape))).get(0);
    }

    // ---------------------------------------------------------------- typed operators

    /** 2-D convolution with weight {@code [M, C/group, kH, kW]} and optional bias. */
    public Value conv(Value x, Value w, Value b, long[] strides, long[] pads, long[] dilations, long group) {
        long[] ws = w.shape();
        long[] out = {x.dim(0), ws[0],
            convOut(x.dim(2), ws[2], strides[0], pads[0], pads[2], dilations[0], false),
            convOut(x.dim(3), ws[3], strides[1], pads[1], pads[3], dilations[1], false)};
        List<Value> ins = b == null ? List.of(x, w) : List.of(x, w, b);
        return node1("Conv", ins, List.of(Attr.ints("dilations", dilations), Attr.i("group", group),
                Attr.ints("kernel_shape", ws[2], ws[3]), Attr.ints("pads", pads), Attr.ints("strides", strides)),
                DataType.FLOAT, out);
    }

    private static long convOut(long in, long k, long stride, long padBegin, long padEnd, long dilation,
            boolean ceil) {
        if (in < 0) {
            return -1;
        }
        long span = in + padBegin + padEnd - dilation * (k - 1) - 1;
        return (ceil ? Math.floorDiv(span + stride - 1, stride) : Math.floorDiv(span, stride)) + 1;
    }

    /**
     * 2-D transposed convolution with weight {@code [C, M/group, kH, kW]} and optional bias (torch's
     * {@code ConvTranspose2d}); {@code outputPadding} adds rows/columns at the bottom/right.
     */
    public Value convTranspose(Value x, Value w, Value b, long[] strides, long[] pads, long[] dilations,
            long[] outputPadding, long group) {
        long[] ws = w.shape();
        long[] out = {x.dim(0), ws[1] * group,
            transposedOut(x.dim(2), ws[2], strides[0], pads[0], pads[2], dilations[0], outputPadding[0]),
            transposedOut(x.dim(3), ws[3], strides[1], pads[1], pads[3], dilations[1], outputPadding[1])};
        List<Value> ins = b == null ? List.of(x, w) : List.of(x, w, b);
        List<AttributeProto> attrs = new ArrayList<>(List.of(Attr.ints("dilations", dilations),
                Attr.i("group", group), Attr.ints("kernel_shape", ws[2], ws[3])));
        if (outputPadding[0] != 0 || outputPadding[1] != 0) {
            attrs.add(Attr.ints("output_padding", outputPadding));
        }
        attrs.add(Attr.ints("pads", pads));
        attrs.add(Attr.ints("strides", strides));
        return node1("ConvTranspose", ins, attrs, DataType.FLOAT, out);
    }

    private static long transposedOut(long in, long k, long stride, long padBegin, long padEnd, long dilation,
            long outputPadding) {
        if (in < 0) {
            return -1;
        }
        return (in - 1) * stride - padBegin - padEnd + dilation * (k - 1) + outputPadding + 1;
    }

    /** Average over H and W, keeping them as size-1 axes ({@code [N, C, 1, 1]}). */
    public Value globalAveragePool(Value x) {
        return node1("GlobalAveragePool", List.of(x), List.of(), x.type(), new long[] {x.dim(0), x.dim(1), 1, 1});
    }

    /** Flattens to 2-D: the axes before {@code axis} become the rows, the others the columns. */
    public Value flatten(Value x, int axis) {
        long rows = 1;
        long cols = 1;
        for (int i = 0; i < x.rank(); i++) {
            long d = x.dim(i);
            if (i < axis) {
                rows = rows < 0 || d < 0 ? -1 : rows * d;
            } else {
                cols = cols < 0 || d < 0 ? -1 : cols * d;
            }
        }
        return node1("Flatten", List.of(x), List.of(Attr.i("axis", axis)), x.type(), new long[] {rows, cols});
    }

    /** {@code x @ w^T + b} for a 2-D {@code x [N, K]}, weight {@code [M, K]} and bias {@code [M]} (torch's Linear). */
    public Value gemmTransB(Value x, Value w, Value b) {
        return node1("Gemm", List.of(x, w, b), List.of(Attr.f("alpha", 1f), Attr.f("beta", 1f),
                Attr.i("transB", 1)), DataType.FLOAT, new long[] {x.dim(0), w.dim(0)});
    }

    /** Max pooling over H and W. */
    public Value maxPool(Value x, long[] kernel, long[] strides, long[] pads, boolean ceil) {
        return node1("MaxPool", List.of(x), List.of(Attr.i("ceil_mode", ceil ? 1 : 0),
                Attr.ints("kernel_shape", kernel), Attr.ints("pads", pads), Attr.ints("strides", strides)),
                DataType.FLOAT, pooled(x, kernel, strides, pads, ceil));
    }

    /** Average pooling over H and W. */
    public Value averagePool(Value x, long[] kernel, long[] strides, long[] pads, boolean ceil,
            boolean countIncludePad) {
        return node1("AveragePool", List.of(x), List.of(Attr.i("ceil_mode", ceil ? 1 : 0),
                Attr.i("count_include_pad", countIncludePad ? 1 : 0), Attr.ints("kernel_shape", kernel),
                Attr.ints("pads", pads), Attr.ints("strides", strides)), DataType.FLOAT,
                pooled(x, kernel, strides, pads, ceil));
    }

    private static long[] pooled(Value x, long[] k, long[] s, long[] p, boolean ceil) {
        return new long[] {x.dim(0), x.dim(1), convOut(x.dim(2), k[0], s[0], p[0], p[2], 1, ceil),
            convOut(x.dim(3), k[1], s[1], p[1], p[3], 1, ceil)};
    }

    /** An element-wise unary operator ({@code Sigmoid}, {@code Relu}, ...) with optional attributes. */
    public Value unary(String opType, Value x, AttributeProto... attributes) {
        return node1(opType, List.of(x), List.of(attributes), x.type(), x.shape());
    }

    /** Sigmoid. */
    public Value sigmoid(Value x) {
        return unary("Sigmoid", x);
    }

    /** An element-wise binary operator with numpy broadcasting ({@code Add}, {@code Mul}, ...). */
    public Value binary(String opType, Value a, Value b) {
        return node1(opType, List.of(a, b), List.of(), a.type(), broadcast(a.shape(), b.shape()));
    }

    /** a + b. */
    public Value add(Value a, Value b) {
        return binary("Add", a, b);
    }

    /** a - b. */
    public Value sub(Value a, Value b) {
        return binary("Sub", a, b);
    }

    /** a * b. */
    public Value mul(Value a, Value b) {
        return binary("Mul", a, b);
    }

    /** a / b (integer division for int64). */
    public Value div(Value a, Value b) {
        return binary("Div", a, b);
    }

    /** Numpy-style broadcast of two shapes; unknown dimensions stay unknown unless the other side fixes them. */
    public static long[] broadcast(long[] a, long[] b) {
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long da = i < r - a.length ? 1 : a[i - (r - a.length)];
            long db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da == 1) {
                out[i] = db;
            } else if (db == 1) {
                out[i] = da;
            } else if (da < 0 || db < 0) {
                out[i] = Math.max(da, db);
            } else if (da == db) {
                out[i] = da;
            } else {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast");
            }
        }
        return out;
    }

    /** Concatenation along {@code axis}. */
    public Value concat(List<Value> xs, int axis) {
        long[] out = xs.get(0).shape();
        int ax = axis < 0 ? out.length + axis : axis;
        long sum = 0;
        for (Value x : xs) {
            long d = x.dim(ax);
            sum = sum < 0 || d < 0 ? -1 : sum + d;
        }
        out[ax] = sum;
        return node1("Concat", xs, List.of(Attr.i("axis", axis)), xs.get(0).type(), out);
    }

    /** Split along {@code axis} into parts of the given sizes. */
    public List<Value> split(Value x, int axis, long... sizes) {
        int ax = axis < 0 ? x.rank() + axis : axis;
        List<Value> shapes = new ArrayList<>();
        for (long s : sizes) {
            long[] sh = x.shape();
            sh[ax] = s;
            shapes.add(new Value("?", x.type(), sh));
        }
        // Since opset 13 the sizes are an input; opset 18 still accepts it (num_outputs is only the alternative).
        return node("Split", List.of(x, longs(sizes)), List.of(Attr.i("axis", axis)), shapes);
    }

    /** Nearest-neighbour resize by per-axis scales, as torch's {@code Upsample(mode='nearest')} exports. */
    public Value resizeNearest(Value x, float[] scales) {
        Value sc = initializer("resize_scales", scales, scales.length);
        long[] out = x.shape();
        for (int i = 0; i < out.length; i++) {
            out[i] = out[i] < 0 ? -1 : (long) Math.floor(out[i] * (double) scales[i]);
        }
        return node1("Resize", java.util.Arrays.asList(x, null, sc), List.of(
                Attr.s("coordinate_transformation_mode", "asymmetric"), Attr.f("cubic_coeff_a", -0.75f),
                Attr.s("mode", "nearest"), Attr.s("nearest_mode", "floor")), DataType.FLOAT, out);
    }

    /** Reshape to constant dims ({@code 0} copies the input dimension, {@code -1} is inferred). */
    public Value reshape(Value x, long... dims) {
        return reshape(x, longs(dims), inferReshape(x.shape(), dims));
    }

    /** Reshape to a shape computed in the graph; {@code expected} is the shape as far as it is known. */
    public Value reshape(Value x, Value shape, long[] expected) {
        // allowzero exists from opset 14 on; 0 (copy the input dimension) is also the meaning before it.
        List<AttributeProto> attrs = opset >= 14 ? List.of(Attr.i("allowzero", 0)) : List.of();
        return node1("Reshape", List.of(x, shape), attrs, x.type(), expected);
    }

    /** The output shape of a reshape with constant dims, -1 where it cannot be known at build time. */
    static long[] inferReshape(long[] in, long[] dims) {
        long[] out = new long[dims.length];
        long known = 1;
        int inferred = -1;
        boolean unknown = false;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 0) {
                out[i] = in[i];
            } else if (dims[i] == -1) {
                inferred = i;
                continue;
            } else {
                out[i] = dims[i];
            }
            if (out[i] < 0) {
                unknown = true;
            } else {
                known *= out[i];
            }
        }
        if (inferred >= 0) {
            long total = Arrays.stream(in).anyMatch(d -> d < 0) ? -1 : Tensors.count(in);
            out[inferred] = unknown || total < 0 ? -1 : total / known;
        }
        return out;
    }

    /** Transpose with permutation {@code perm}. */
    public Value transpose(Value x, long... perm) {
        long[] in = x.shape();
        long[] out = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            out[i] = in[(int) perm[i]];
        }
        return node1("Transpose", List.of(x), List.of(Attr.ints("perm", perm)), x.type(), out);
    }

    /** Batched matrix product. */
    public Value matMul(Value a, Value b) {
        long[] as = a.shape();
        long[] bs = b.shape();
        long[] batch = broadcast(Arrays.copyOf(as, as.length - 2), Arrays.copyOf(bs, bs.length - 2));
        long[] out = Arrays.copyOf(batch, batch.length + 2);
        out[batch.length] = as[as.length - 2];
        out[batch.length + 1] = bs[bs.length - 1];
        return node1("MatMul", List.of(a, b), List.of(), DataType.FLOAT, out);
    }

    /** Softmax along {@code axis}. */
    public Value softmax(Value x, int axis) {
        return unary("Softmax", x, Attr.i("axis", axis));
    }

    /** Max over {@code axes}; the axes are an attribute before opset 18 and an input from 18 on. */
    public Value reduceMax(Value x, boolean keepDims, long... axes) {
        long[] in = x.shape();
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < in.length; i++) {
            boolean reduced = false;
            for (long a : axes) {
                reduced |= (a < 0 ? in.length + a : a) == i;
            }
            if (!reduced) {
                out.add(in[i]);
            } else if (keepDims) {
                out.add(1L);
            }
        }
        long[] shape = out.stream().mapToLong(Long::longValue).toArray();
        if (opset >= 18) {
            return node1("ReduceMax", List.of(x, longs(axes)), List.of(Attr.i("keepdims", keepDims ? 1 : 0)),
                    x.type(), shape);
        }
        return node1("ReduceMax", List.of(x), List.of(Attr.ints("axes", axes), Attr.i("keepdims", keepDims ? 1 : 0)),
                x.type(), shape);
    }

    /** Top-k along the last axis, largest first: {@code [values, int64 indices]}. */
    public List<Value> topK(Value x, long k) {
        long[] shape = x.shape();
        shape[shape.length - 1] = k;
        return node("TopK", List.of(x, longs(k)), List.of(Attr.i("axis", -1), Attr.i("largest", 1),
                Attr.i("sorted", 1)), List.of(new Value("?", x.type(), shape), new Value("?", DataType.INT64, shape)));
    }

    /** {@code GatherElements}: output has the shape of {@code index}. */
    public Value gatherElements(Value data, Value index, int axis) {
        return node1("GatherElements", List.of(data, index), List.of(Attr.i("axis", axis)), data.type(),
                index.shape());
    }

    /** {@code Gather} of {@code index} along {@code axis}. */
    public Value gather(Value data, Value index, int axis) {
        long[] d = data.shape();
        long[] idx = index.shape();
        long[] out = new long[d.length - 1 + idx.length];
        int k = 0;
        for (int i = 0; i < axis; i++) {
            out[k++] = d[i];
        }
        for (long v : idx) {
            out[k++] = v;
        }
        for (int i = axis + 1; i < d.length; i++) {
            out[k++] = d[i];
        }
        return node1("Gather", List.of(data, index), List.of(Attr.i("axis", axis)), data.type(), out);
    }

    /** Inserts size-1 axes (axes are an input since opset 13). */
    public Value unsqueeze(Value x, long... axes) {
        int r = x.rank() + axes.length;
        long[] out = new long[r];
        boolean[] inserted = new boolean[r];
        for (long a : axes) {
            inserted[(int) (a < 0 ? r + a : a)] = true;
        }
        long[] in = x.shape();
        for (int i = 0, k = 0; i < r; i++) {
            out[i] = inserted[i] ? 1 : in[k++];
        }
        return node1("Unsqueeze", List.of(x, longs(axes)), List.of(), x.type(), out);
    }

    /** Broadcasts {@code x} to {@code shape}; {@code expected} is the resulting shape as far as it is known. */
    public Value expand(Value x, Value shape, long[] expected) {
        return node1("Expand", List.of(x, shape), List.of(), x.type(), expected);
    }

    /** Element type conversion. */
    public Value cast(Value x, DataType to) {
        return node1("Cast", List.of(x), List.of(Attr.i("to", to.getNumber())), to, x.shape());
    }

    /** The shape of {@code x} as a 1-D int64 tensor. */
    public Value shape(Value x) {
        return node1("Shape", List.of(x), List.of(), DataType.INT64, new long[] {x.rank()});
    }

    /** {@code Range(start, limit, delta)} of scalars: a 1-D tensor of unknown length. */
    public Value range(Value start, Value limit, Value delta) {
        return node1("Range", List.of(start, limit, delta), List.of(), start.type(), new long[] {-1});
    }

    /** {@code Mod} (integer modulo, fmod=0). */
    public Value mod(Value a, Value b) {
        return node1("Mod", List.of(a, b), List.of(Attr.i("fmod", 0)), a.type(), broadcast(a.shape(), b.shape()));
    }

    // ---------------------------------------------------------------- result

    /** Number of nodes added so far. */
    public int nodeCount() {
        return nodes.size();
    }

    /** The finished graph. */
    public GraphProto build(String graphName) {
        GraphProto.Builder g = GraphProto.newBuilder().setName(graphName);
        for (NodeProto.Builder n : nodes) {
            g.addNode(n.build());
        }
        g.addAllInitializer(initializers);
        g.addAllInput(inputs);
        g.addAllOutput(outputs);
        return g.build();
    }
}
