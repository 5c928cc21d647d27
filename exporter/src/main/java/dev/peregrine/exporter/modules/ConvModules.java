package dev.peregrine.exporter.modules;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.exporter.onnx.Value;
import dev.peregrine.exporter.pt.ModuleNode;
import java.util.List;

/**
 * Emitters of Ultralytics' convolution modules ({@code nn/modules/conv.py}): {@code Conv} and {@code DWConv}
 * (convolution, BatchNorm folded in, activation), the re-parameterisable {@code RepConv} and {@code RepVGGDW}
 * (parallel branches summed into one convolution, as Ultralytics' {@code fuse()} does before export), and
 * {@code Concat}.
 */
public final class ConvModules {
    private ConvModules() {
    }

    /** Registers the emitters of this family. */
    public static void register(EmitterRegistry r) {
        r.register("Conv", (SingleInputEmitter) ConvModules::conv);
        r.register("DWConv", (SingleInputEmitter) ConvModules::conv);
        r.register("RepConv", (SingleInputEmitter) ConvModules::repConv);
        r.register("RepVGGDW", (SingleInputEmitter) ConvModules::repVggDw);
        r.register("Concat", ConvModules::concat);
    }

    /**
     * The convolution of a {@code Conv}-style module (children {@code conv}, optional {@code bn}) with the BatchNorm
     * folded in. Accepts modules already fused by Ultralytics (no {@code bn}, a biased {@code conv}).
     */
    static ConvWeights folded(ModuleNode m) throws PeregrineException {
        ConvWeights w = ConvWeights.fromConv2d(ModuleAttrs.child(m, "conv"));
        ModuleNode bn = m.children().get("bn");
        if (bn == null || "Identity".equals(bn.simpleName())) {
            return w;
        }
        if (!"BatchNorm2d".equals(bn.simpleName())) {
            throw PeregrineException.unsupported("module " + m.simpleName() + " at " + m.path()
                    + " normalises with " + bn.className() + "; only BatchNorm2d is supported");
        }
        return w.foldBatchNorm(bn);
    }

    /** Applies the module's {@code act} child when it has one. */
    static Value activation(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        ModuleNode act = m.children().get("act");
        return act == null ? x : ctx.call(act, "act", x);
    }

    /** {@code Conv} / {@code DWConv}: {@code act(bn(conv(x)))}. */
    static Value conv(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        return activation(ctx, m, ctx.conv("conv", folded(m), x));
    }

    /**
     * {@code RepConv}: {@code act(conv1(x) + conv2(x) + bn(x))} with a 3x3 {@code conv1}, a 1x1 {@code conv2} and an
     * optional identity BatchNorm, summed into one 3x3 convolution.
     */
    static Value repConv(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        ConvWeights w;
        if (!m.children().containsKey("conv1") && m.children().containsKey("conv")) {
            w = ConvWeights.fromConv2d(m.children().get("conv")); // already fused by Ultralytics
        } else {
            w = folded(ModuleAttrs.child(m, "conv1")).plus(folded(ModuleAttrs.child(m, "conv2")));
            ModuleNode bn = m.children().get("bn");
            if (bn != null) {
                int c = w.outChannels();
                ConvWeights id = TorchModules.identity(c, w.groups(), (int) w.shape()[2]);
                w = w.plus(new ConvWeights(id.weight(), id.shape(), id.bias(), w.strides(), w.pads(),
                        w.dilations(), w.groups()).foldBatchNorm(bn));
            }
        }
        return activation(ctx, m, ctx.conv("conv", w, x));
    }

    /** {@code RepVGGDW}: {@code act(conv(x) + conv1(x))}, a 7x7 and a 3x3 depthwise branch summed. */
    static Value repVggDw(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        ModuleNode conv = ModuleAttrs.child(m, "conv");
        ConvWeights w;
        if ("Conv2d".equals(conv.simpleName())) {
            w = ConvWeights.fromConv2d(conv); // already fused by Ultralytics
        } else {
            w = folded(conv);
            ModuleNode conv1 = m.children().get("conv1");
            if (conv1 != null) {
                w = w.plus(folded(conv1));
            }
        }
        return activation(ctx, m, ctx.conv("conv", w, x));
    }

    /** {@code Concat}: its inputs joined along dimension {@code d}. */
    static List<Value> concat(EmitContext ctx, ModuleNode m, List<Value> inputs) throws PeregrineException {
        int d = (int) ModuleAttrs.longOr(m, "d", 1);
        return List.of(ctx.graph().concat(inputs, d));
    }
}
