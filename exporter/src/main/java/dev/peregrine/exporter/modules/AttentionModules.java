package dev.peregrine.exporter.modules;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.exporter.onnx.OnnxGraphBuilder;
import dev.peregrine.exporter.onnx.Value;
import dev.peregrine.exporter.pt.ModuleNode;
import dev.peregrine.exporter.pt.TorchTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Emitters of Ultralytics' attention blocks: {@code Attention}, {@code PSABlock}, {@code C2PSA} (YOLO11, YOLO26),
 * {@code PSA} (YOLOv10) and the area attention of YOLO12 ({@code AAttn}, {@code ABlock}, {@code A2C2f}). Head counts
 * and dimensions are module attributes. Shapes that depend on the input size are taken from the graph
 * ({@code Reshape} with 0 / -1 or with the input's {@code Shape}) so the same nodes work for dynamic exports.
 */
public final class AttentionModules {
    private AttentionModules() {
    }

    /** Registers the emitters of this family. */
    public static void register(EmitterRegistry r) {
        r.register("Attention", (SingleInputEmitter) AttentionModules::attention);
        r.register("PSABlock", (SingleInputEmitter) AttentionModules::psaBlock);
        r.register("C2PSA", (SingleInputEmitter) AttentionModules::c2psa);
        r.register("PSA", (SingleInputEmitter) AttentionModules::psa);
        r.register("AAttn", (SingleInputEmitter) AttentionModules::areaAttention);
        r.register("ABlock", (SingleInputEmitter) AttentionModules::aBlock);
        r.register("A2C2f", (SingleInputEmitter) AttentionModules::a2c2f);
    }

    /**
     * {@code Attention}: {@code qkv} viewed as {@code [B, heads, 2*key_dim + head_dim, N]} and split into q, k, v;
     * {@code softmax(q^T k * scale)}; {@code v attn^T} back to {@code [B, C, H, W]} plus the positional
     * encoding {@code pe(v)}; {@code proj}.
     */
    static Value attention(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        OnnxGraphBuilder g = ctx.graph();
        long heads = ModuleAttrs.requireLong(m, "num_heads");
        long keyDim = ModuleAttrs.requireLong(m, "key_dim");
        long headDim = ModuleAttrs.requireLong(m, "head_dim");
        double scale = m.hasAttr("scale") ? ModuleAttrs.requireDouble(m, "scale") : Math.pow(keyDim, -0.5);
        Value qkv = g.reshape(ctx.callChild(m, "qkv", x), 0, heads, 2 * keyDim + headDim, -1);
        List<Value> parts = g.split(qkv, 2, keyDim, keyDim, headDim);
        Value attn = g.matMul(g.transpose(parts.get(0), 0, 1, 3, 2), parts.get(1));
        attn = g.softmax(g.mul(attn, g.scalar("scale", (float) scale)), -1);
        Value v = parts.get(2);
        Value out = ctx.reshapeLike(g.matMul(v, g.transpose(attn, 0, 1, 3, 2)), x);
        Value pe = ctx.callChild(m, "pe", ctx.reshapeLike(v, x));
        return ctx.callChild(m, "proj", g.add(out, pe));
    }

    /** {@code PSABlock}: attention then feed-forward, each with a residual when {@code add}. */
    static Value psaBlock(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        boolean add = ModuleAttrs.boolOr(m, "add", true);
        Value a = ctx.callChild(m, "attn", x);
        Value y = add ? ctx.graph().add(x, a) : a;
        Value f = ctx.callChild(m, "ffn", y);
        return add ? ctx.graph().add(y, f) : f;
    }

    /** {@code C2PSA}: {@code cv1} split in halves, the PSA blocks {@code m} on the second, concatenated, {@code cv2}. */
    static Value c2psa(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        List<Value> ab = CspModules.halves(ctx, m, ctx.callChild(m, "cv1", x));
        Value b = ctx.callChild(m, "m", ab.get(1));
        return ctx.callChild(m, "cv2", ctx.graph().concat(List.of(ab.get(0), b), 1));
    }

    /** {@code PSA}: like C2PSA with one inline block: {@code b + attn(b)}, then {@code + ffn}. */
    static Value psa(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        OnnxGraphBuilder g = ctx.graph();
        List<Value> ab = CspModules.halves(ctx, m, ctx.callChild(m, "cv1", x));
        Value b = g.add(ab.get(1), ctx.callChild(m, "attn", ab.get(1)));
        b = g.add(b, ctx.callChild(m, "ffn", b));
        return ctx.callChild(m, "cv2", g.concat(List.of(ab.get(0), b), 1));
    }

    /**
     * {@code AAttn}, YOLO12's area attention. The feature map's N = H*W positions are cut into {@code area} runs of
     * consecutive positions and attention is computed within each run. Ultralytics folds the areas into the batch
     * ({@code [B*area, N/area, ...]}); here they stay a separate axis ({@code [B, area, heads, dim, N/area]}), which
     * is the same arithmetic but needs no size computation in the graph, so it also works with dynamic axes.
     */
    static Value areaAttention(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        OnnxGraphBuilder g = ctx.graph();
        long heads = ModuleAttrs.requireLong(m, "num_heads");
        long headDim = ModuleAttrs.requireLong(m, "head_dim");
        long area = ModuleAttrs.longOr(m, "area", 1);
        Value qkv = ctx.callChild(m, "qkv", x);                                  // [B, 3C, H, W]
        qkv = g.transpose(g.reshape(qkv, 0, 3 * heads * headDim, -1), 0, 2, 1); // [B, N, 3C]
        qkv = g.reshape(qkv, 0, area, -1, heads, 3 * headDim);                  // [B, area, N/area, heads, 3d]
        qkv = g.transpose(qkv, 0, 1, 3, 4, 2);                                  // [B, area, heads, 3d, N/area]
        List<Value> parts = g.split(qkv, 3, headDim, headDim, headDim);
        Value attn = g.matMul(g.transpose(parts.get(0), 0, 1, 2, 4, 3), parts.get(1));
        attn = g.softmax(g.mul(attn, g.scalar("scale", (float) Math.pow(headDim, -0.5))), -1);
        Value v = parts.get(2);
        Value out = g.matMul(v, g.transpose(attn, 0, 1, 2, 4, 3));              // [B, area, heads, d, N/area]
        // [B, heads, d, area, N/area] has the element order of [B, C, H, W]: channel = head*d + i, n = a*N/area + j.
        out = ctx.reshapeLike(g.transpose(out, 0, 2, 3, 1, 4), x);
        Value vMap = ctx.reshapeLike(g.transpose(v, 0, 2, 3, 1, 4), x);
        out = g.add(out, ctx.callChild(m, "pe", vMap));
        return ctx.callChild(m, "proj", out);
    }

    /** {@code ABlock}: {@code x + attn(x)}, then {@code + mlp}. */
    static Value aBlock(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        OnnxGraphBuilder g = ctx.graph();
        Value y = g.add(x, ctx.callChild(m, "attn", x));
        return g.add(y, ctx.callChild(m, "mlp", y));
    }

    /**
     * {@code A2C2f}: {@code cv1}, each block of {@code m} on the previous output, all concatenated, {@code cv2}; with
     * a {@code gamma} parameter the result is the residual {@code x + gamma * y}.
     */
    static Value a2c2f(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        OnnxGraphBuilder g = ctx.graph();
        List<Value> y = new ArrayList<>();
        y.add(ctx.callChild(m, "cv1", x));
        for (Map.Entry<String, ModuleNode> b : CspModules.items(m, "m")) {
            y.add(ctx.call(b.getValue(), b.getKey(), y.get(y.size() - 1)));
        }
        Value out = ctx.callChild(m, "cv2", g.concat(y, 1));
        TorchTensor gamma = m.parameters().get("gamma");
        if (gamma == null) {
            return out;
        }
        float[] gv = gamma.toFloats();
        Value gammaMap = g.initializer("gamma", gv, 1, gv.length, 1, 1);
        return g.add(x, g.mul(gammaMap, out));
    }
}
