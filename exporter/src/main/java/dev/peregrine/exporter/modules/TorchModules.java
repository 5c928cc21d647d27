package dev.peregrine.exporter.modules;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.exporter.onnx.Attr;
import dev.peregrine.exporter.onnx.OnnxGraphBuilder;
import dev.peregrine.exporter.onnx.Value;
import dev.peregrine.exporter.pt.ModuleNode;
import dev.peregrine.exporter.pt.TorchTensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Emitters of the {@code torch.nn} modules Ultralytics models contain: {@code Conv2d}, {@code ConvTranspose2d} (the
 * segmentation prototypes' upsampling), {@code BatchNorm2d} (alone), {@code MaxPool2d}, {@code Upsample},
 * {@code AdaptiveAvgPool2d} and {@code Linear} (the classification head), {@code Sequential} and the activations.
 * Every geometric parameter is read from the module's attributes.
 */
public final class TorchModules {
    private TorchModules() {
    }

    /** Registers the emitters of this family. */
    public static void register(EmitterRegistry r) {
        r.register("Conv2d", (SingleInputEmitter) TorchModules::conv2d);
        r.register("ConvTranspose2d", (SingleInputEmitter) TorchModules::convTranspose2d);
        r.register("Linear", (SingleInputEmitter) TorchModules::linear);
        r.register("AdaptiveAvgPool2d", (SingleInputEmitter) TorchModules::adaptiveAvgPool2d);
        r.register("BatchNorm2d", (SingleInputEmitter) TorchModules::batchNorm2d);
        r.register("MaxPool2d", (SingleInputEmitter) TorchModules::maxPool2d);
        r.register("Upsample", (SingleInputEmitter) TorchModules::upsample);
        r.register("Sequential", (SingleInputEmitter) TorchModules::sequential);
        r.register("Identity", (SingleInputEmitter) (ctx, m, x) -> x);
        r.register("Dropout", (SingleInputEmitter) (ctx, m, x) -> x);
        r.register("SiLU", (SingleInputEmitter) TorchModules::silu);
        r.register("ReLU", (SingleInputEmitter) (ctx, m, x) -> ctx.graph().unary("Relu", x));
        r.register("Sigmoid", (SingleInputEmitter) (ctx, m, x) -> ctx.graph().sigmoid(x));
        r.register("Tanh", (SingleInputEmitter) (ctx, m, x) -> ctx.graph().unary("Tanh", x));
        r.register("Hardswish", (SingleInputEmitter) TorchModules::hardswish);
        r.register("LeakyReLU", (SingleInputEmitter) (ctx, m, x) -> ctx.graph().unary("LeakyRelu", x,
                Attr.f("alpha", (float) ModuleAttrs.requireDouble(m, "negative_slope"))));
    }

    /** {@code nn.Conv2d} with its own bias (the detection heads' last 1x1 convolutions). */
    static Value conv2d(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        return ctx.conv(null, ConvWeights.fromConv2d(m), x);
    }

    /**
     * {@code nn.ConvTranspose2d} (weight {@code [in, out/groups, kH, kW]}, optional bias): stride, padding,
     * output padding, dilation and groups from its attributes; zero padding mode only.
     */
    static Value convTranspose2d(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        TorchTensor w = ModuleAttrs.tensor(m, "weight");
        long[] shape = w.shape();
        if (shape.length != 4) {
            throw ModuleAttrs.malformed(m, "weight should be 4-D, found shape " + Arrays.toString(shape));
        }
        String mode = ModuleAttrs.stringOr(m, "padding_mode", "zeros");
        if (!"zeros".equals(mode)) {
            throw PeregrineException.unsupported("ConvTranspose2d at " + m.path() + " uses padding_mode '" + mode
                    + "'; only 'zeros' is supported");
        }
        long[] stride = ModuleAttrs.ints(m, "stride", 2);
        long[] pad = ModuleAttrs.ints(m, "padding", 2);
        long[] outPad = m.hasAttr("output_padding") ? ModuleAttrs.ints(m, "output_padding", 2) : new long[2];
        long[] dilation = ModuleAttrs.ints(m, "dilation", 2);
        long groups = ModuleAttrs.longOr(m, "groups", 1);
        if (x.dim(1) >= 0 && x.dim(1) != shape[0]) {
            throw ModuleAttrs.malformed(m, "gets " + x.dim(1) + " channels, its weight expects " + shape[0]);
        }
        OnnxGraphBuilder g = ctx.graph();
        Value weight = g.initializer("weight", w.toFloats(), shape);
        TorchTensor b = ModuleAttrs.optionalTensor(m, "bias");
        Value bias = b == null ? null : g.initializer("bias", b.toFloats(), b.shape());
        return g.convTranspose(x, weight, bias, stride, new long[] {pad[0], pad[1], pad[0], pad[1]}, dilation,
                outPad, groups);
    }

    /** {@code nn.Linear} on a 2-D input: {@code Gemm} with the transposed weight, as torch exports it. */
    static Value linear(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        TorchTensor w = ModuleAttrs.tensor(m, "weight");
        long[] shape = w.shape();
        if (shape.length != 2) {
            throw ModuleAttrs.malformed(m, "weight should be 2-D, found shape " + Arrays.toString(shape));
        }
        if (x.rank() != 2) {
            throw PeregrineException.unsupported("Linear at " + m.path() + " gets a rank-" + x.rank()
                    + " input; only 2-D inputs [batch, features] are supported");
        }
        if (x.dim(1) >= 0 && x.dim(1) != shape[1]) {
            throw ModuleAttrs.malformed(m, "gets " + x.dim(1) + " features, its weight expects " + shape[1]);
        }
        OnnxGraphBuilder g = ctx.graph();
        TorchTensor b = ModuleAttrs.optionalTensor(m, "bias");
        float[] bias = b == null ? new float[(int) shape[0]] : b.toFloats();
        return g.gemmTransB(x, g.initializer("weight", w.toFloats(), shape), g.initializer("bias", bias, shape[0]));
    }

    /** {@code nn.AdaptiveAvgPool2d(1)}: the global average ({@code GlobalAveragePool}); other output sizes fail. */
    static Value adaptiveAvgPool2d(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        Object size = m.hasAttr("output_size") ? m.attr("output_size") : null;
        boolean global = size instanceof Number n && n.longValue() == 1
                || size instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(v -> v instanceof Number n
                        && n.longValue() == 1);
        if (!global) {
            throw PeregrineException.unsupported("AdaptiveAvgPool2d at " + m.path() + " has output size " + size
                    + "; only 1 (global average) is supported");
        }
        return ctx.graph().globalAveragePool(x);
    }

    /**
     * A BatchNorm that does not follow a convolution: emitted as a 1x1 depthwise convolution whose weights are the
     * folded scale and shift.
     */
    static Value batchNorm2d(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        int c = ModuleAttrs.floats(m, "running_mean").length;
        return ctx.conv(null, identity(c, c, 1).foldBatchNorm(m), x);
    }

    /**
     * The convolution that copies its input: {@code channels} outputs, weight 1 at the kernel centre of the matching
     * input channel of its group (RepConv's identity branch before its BatchNorm is folded in).
     */
    static ConvWeights identity(int channels, long groups, int kernel) {
        int perGroup = (int) (channels / groups);
        int centre = kernel / 2;
        float[] w = new float[channels * perGroup * kernel * kernel];
        for (int o = 0; o < channels; o++) {
            w[((o * perGroup + o % perGroup) * kernel + centre) * kernel + centre] = 1f;
        }
        return new ConvWeights(w, new long[] {channels, perGroup, kernel, kernel}, new float[channels],
                new long[] {1, 1}, new long[] {centre, centre, centre, centre}, new long[] {1, 1}, groups);
    }

    /** {@code nn.MaxPool2d}: kernel, stride (default = kernel), padding, ceil mode; dilation must be 1. */
    static Value maxPool2d(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        long[] k = ModuleAttrs.ints(m, "kernel_size", 2);
        long[] s = m.hasAttr("stride") && m.attr("stride") != null ? ModuleAttrs.ints(m, "stride", 2) : k;
        long[] p = ModuleAttrs.ints(m, "padding", 2);
        long[] d = m.hasAttr("dilation") ? ModuleAttrs.ints(m, "dilation", 2) : new long[] {1, 1};
        if (d[0] != 1 || d[1] != 1) {
            throw PeregrineException.unsupported("MaxPool2d at " + m.path() + " uses dilation; not supported");
        }
        if (ModuleAttrs.boolOr(m, "return_indices", false)) {
            throw PeregrineException.unsupported("MaxPool2d at " + m.path() + " returns indices; not supported");
        }
        return ctx.graph().maxPool(x, k, s, new long[] {p[0], p[1], p[0], p[1]},
                ModuleAttrs.boolOr(m, "ceil_mode", false));
    }

    /** {@code nn.Upsample(scale_factor, mode='nearest')} as {@code Resize}. */
    static Value upsample(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        String mode = ModuleAttrs.stringOr(m, "mode", "nearest");
        if (!"nearest".equals(mode)) {
            throw PeregrineException.unsupported("Upsample at " + m.path() + " uses mode '" + mode
                    + "'; only 'nearest' is supported");
        }
        Object sf = m.hasAttr("scale_factor") ? m.attr("scale_factor") : null;
        if (sf == null) {
            throw PeregrineException.unsupported("Upsample at " + m.path()
                    + " has a fixed output size instead of a scale factor; not supported");
        }
        float sh;
        float sw;
        if (sf instanceof List<?> list && list.size() == 2) {
            sh = ((Number) list.get(0)).floatValue();
            sw = ((Number) list.get(1)).floatValue();
        } else if (sf instanceof Number n) {
            sh = sw = n.floatValue();
        } else {
            throw ModuleAttrs.malformed(m, "scale_factor " + sf + " is neither a number nor a pair");
        }
        return ctx.graph().resizeNearest(x, new float[] {1f, 1f, sh, sw});
    }

    /** {@code nn.Sequential}: its children one after the other. */
    static Value sequential(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        Value y = x;
        for (Map.Entry<String, ModuleNode> c : m.children().entrySet()) {
            y = ctx.call(c.getValue(), c.getKey(), y);
        }
        return y;
    }

    /** {@code nn.Hardswish}: the HardSwish operator from opset 14, {@code x * HardSigmoid(x)} before. */
    static Value hardswish(EmitContext ctx, ModuleNode m, Value x) {
        OnnxGraphBuilder g = ctx.graph();
        if (g.opset() >= 14) {
            return g.unary("HardSwish", x);
        }
        return g.mul(x, g.unary("HardSigmoid", x, Attr.f("alpha", 1f / 6f), Attr.f("beta", 0.5f)));
    }

    /** {@code nn.SiLU}: {@code x * sigmoid(x)}, the two nodes torch exports it as. */
    static Value silu(EmitContext ctx, ModuleNode m, Value x) {
        OnnxGraphBuilder g = ctx.graph();
        return g.mul(x, g.sigmoid(x));
    }
}
