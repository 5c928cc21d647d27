package dev.peregrine.exporter.modules;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.exporter.onnx.OnnxGraphBuilder;
import dev.peregrine.exporter.onnx.Value;
import dev.peregrine.exporter.pt.ModuleNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Emitters of Ultralytics' CSP-style blocks ({@code nn/modules/block.py}): bottlenecks, the C2f / C3 families,
 * spatial pyramid pooling, the YOLOv9 ELAN blocks and down-sampling blocks, and YOLOv10's SCDown / CIB. Which
 * branches exist, how many repeats ({@code n}), whether a shortcut adds ({@code add}) all come from the module tree.
 */
public final class CspModules {
    private CspModules() {
    }

    /** Registers the emitters of this family. */
    public static void register(EmitterRegistry r) {
        r.register("Bottleneck", (SingleInputEmitter) CspModules::bottleneck);
        r.register("RepBottleneck", (SingleInputEmitter) CspModules::bottleneck);
        r.register("C2f", (SingleInputEmitter) CspModules::c2f);
        r.register("C3k2", (SingleInputEmitter) CspModules::c2f);
        r.register("C2fCIB", (SingleInputEmitter) CspModules::c2f);
        r.register("C2fPSA", (SingleInputEmitter) CspModules::c2f);
        r.register("C3", (SingleInputEmitter) CspModules::c3);
        r.register("C3k", (SingleInputEmitter) CspModules::c3);
        r.register("C3x", (SingleInputEmitter) CspModules::c3);
        r.register("RepCSP", (SingleInputEmitter) CspModules::c3);
        r.register("SPPF", (SingleInputEmitter) CspModules::sppf);
        r.register("SPPELAN", (SingleInputEmitter) CspModules::sppelan);
        r.register("RepNCSPELAN4", (SingleInputEmitter) CspModules::elan);
        r.register("ELAN1", (SingleInputEmitter) CspModules::elan);
        r.register("AConv", (SingleInputEmitter) CspModules::aconv);
        r.register("ADown", (SingleInputEmitter) CspModules::adown);
        r.register("SCDown", (SingleInputEmitter) CspModules::scdown);
        r.register("CIB", (SingleInputEmitter) CspModules::cib);
    }

    /** {@code Bottleneck} / {@code RepBottleneck}: {@code x + cv2(cv1(x))} when {@code add}, else without x. */
    static Value bottleneck(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        Value y = ctx.callChild(m, "cv2", ctx.callChild(m, "cv1", x));
        return ModuleAttrs.boolOr(m, "add", false) ? ctx.graph().add(x, y) : y;
    }

    /** Splits {@code x} into two equal halves along the channels ({@code chunk(2, 1)}). */
    static List<Value> halves(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        long c = x.dim(1);
        if (c < 0 || c % 2 != 0) {
            throw ModuleAttrs.malformed(m, "cannot split " + c + " channels in two halves");
        }
        return ctx.graph().split(x, 1, c / 2, c / 2);
    }

    /** The children of a {@code ModuleList} / {@code Sequential} child, in order, with their scope names. */
    static List<Map.Entry<String, ModuleNode>> items(ModuleNode m, String listName) throws PeregrineException {
        List<Map.Entry<String, ModuleNode>> out = new ArrayList<>();
        for (Map.Entry<String, ModuleNode> e : ModuleAttrs.child(m, listName).children().entrySet()) {
            out.add(Map.entry(listName + "." + e.getKey(), e.getValue()));
        }
        return out;
    }

    /**
     * The C2f family ({@code C2f}, {@code C3k2}, {@code C2fCIB}, {@code C2fPSA}): {@code cv1}, split in halves, each
     * block of {@code m} applied to the previous output, all concatenated, {@code cv2}.
     */
    static Value c2f(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        List<Value> y = new ArrayList<>(halves(ctx, m, ctx.callChild(m, "cv1", x)));
        for (Map.Entry<String, ModuleNode> b : items(m, "m")) {
            y.add(ctx.call(b.getValue(), b.getKey(), y.get(y.size() - 1)));
        }
        return ctx.callChild(m, "cv2", ctx.graph().concat(y, 1));
    }

    /** The C3 family ({@code C3}, {@code C3k}, {@code C3x}, {@code RepCSP}): {@code cv3(cat(m(cv1(x)), cv2(x)))}. */
    static Value c3(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        Value a = ctx.callChild(m, "m", ctx.callChild(m, "cv1", x));
        Value b = ctx.callChild(m, "cv2", x);
        return ctx.callChild(m, "cv3", ctx.graph().concat(List.of(a, b), 1));
    }

    /**
     * {@code SPPF}: {@code cv1}, then {@code n} (default 3) chained max-pools, all concatenated, {@code cv2}, plus the
     * input when the module adds a shortcut (YOLO26).
     */
    static Value sppf(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        List<Value> y = new ArrayList<>();
        y.add(ctx.callChild(m, "cv1", x));
        ModuleNode pool = ModuleAttrs.child(m, "m");
        long n = ModuleAttrs.longOr(m, "n", 3);
        for (int i = 0; i < n; i++) {
            y.add(ctx.call(pool, i == 0 ? "m" : "m_" + i, y.get(y.size() - 1)));
        }
        Value out = ctx.callChild(m, "cv2", ctx.graph().concat(y, 1));
        return ModuleAttrs.boolOr(m, "add", false) ? ctx.graph().add(out, x) : out;
    }

    /** {@code SPPELAN}: {@code cv1}, then {@code cv2..cv4} (max-pools) chained, all concatenated, {@code cv5}. */
    static Value sppelan(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        List<Value> y = new ArrayList<>();
        y.add(ctx.callChild(m, "cv1", x));
        for (String name : List.of("cv2", "cv3", "cv4")) {
            y.add(ctx.callChild(m, name, y.get(y.size() - 1)));
        }
        return ctx.callChild(m, "cv5", ctx.graph().concat(y, 1));
    }

    /**
     * {@code RepNCSPELAN4} / {@code ELAN1}: {@code cv1} split in halves, {@code cv2} on the second half, {@code cv3}
     * on that, all four concatenated, {@code cv4}.
     */
    static Value elan(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        List<Value> y = new ArrayList<>(halves(ctx, m, ctx.callChild(m, "cv1", x)));
        y.add(ctx.callChild(m, "cv2", y.get(1)));
        y.add(ctx.callChild(m, "cv3", y.get(2)));
        return ctx.callChild(m, "cv4", ctx.graph().concat(y, 1));
    }

    /** {@code avg_pool2d(x, 2, 1, 0, ceil_mode=False, count_include_pad=True)}, used by AConv and ADown. */
    private static Value avgPool2x2(EmitContext ctx, Value x) {
        return ctx.graph().averagePool(x, new long[] {2, 2}, new long[] {1, 1}, new long[] {0, 0, 0, 0}, false, true);
    }

    /** {@code AConv}: a 2x2 stride-1 average pool, then {@code cv1}. */
    static Value aconv(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        return ctx.callChild(m, "cv1", avgPool2x2(ctx, x));
    }

    /**
     * {@code ADown}: 2x2 average pool, split in halves; {@code cv1} on the first, a 3x3 stride-2 max-pool then
     * {@code cv2} on the second; concatenated.
     */
    static Value adown(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        OnnxGraphBuilder g = ctx.graph();
        List<Value> h = halves(ctx, m, avgPool2x2(ctx, x));
        Value a = ctx.callChild(m, "cv1", h.get(0));
        Value pooled = g.maxPool(h.get(1), new long[] {3, 3}, new long[] {2, 2}, new long[] {1, 1, 1, 1}, false);
        Value b = ctx.callChild(m, "cv2", pooled);
        return g.concat(List.of(a, b), 1);
    }

    /** {@code SCDown}: {@code cv2(cv1(x))} (point-wise, then depth-wise strided). */
    static Value scdown(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        return ctx.callChild(m, "cv2", ctx.callChild(m, "cv1", x));
    }

    /** {@code CIB}: {@code x + cv1(x)} when {@code add}, else {@code cv1(x)} ({@code cv1} is a Sequential). */
    static Value cib(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        Value y = ctx.callChild(m, "cv1", x);
        return ModuleAttrs.boolOr(m, "add", false) ? ctx.graph().add(x, y) : y;
    }
}
