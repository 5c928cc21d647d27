package dev.peregrine.exporter.modules;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.exporter.onnx.OnnxGraphBuilder;
import dev.peregrine.exporter.onnx.Value;
import dev.peregrine.exporter.pt.ModuleNode;
import java.util.List;

/**
 * Ultralytics' {@code Pose} head in export mode: the {@link DetectHead} output followed by the decoded keypoints of
 * the {@code cv4} branch, {@code [B, 4 + nc + K*D, A]} for {@code kpt_shape = [K, D]}. Keypoint x, y are
 * {@code (k * 2 + (anchor - 0.5)) * stride} in input pixels (Ultralytics' {@code kpts_decode}, in its operation
 * order); a third value per keypoint (visibility) goes through a sigmoid.
 */
public final class PoseHead implements ModuleEmitter {

    @Override
    public List<Value> emit(EmitContext ctx, ModuleNode m, List<Value> feats) throws PeregrineException {
        long[] kpt = kptShape(m);
        long nk = kpt[0] * kpt[1];
        DetectHead.Decoded d = DetectHead.decodeOneToMany(ctx, m, feats);
        Value raw = DetectHead.branch(ctx, m, feats, "cv4", nk);
        OnnxGraphBuilder g = ctx.graph();
        Value y = g.reshape(raw, 0, kpt[0], kpt[1], -1);                          // [B, K, D, A]
        List<Value> parts = kpt[1] == 3 ? g.split(y, 2, 2, 1) : List.of(y);
        Value offset = g.sub(d.anchors().points(), g.scalar("half", 0.5f));        // [2, A]
        Value xy = g.mul(g.add(g.mul(parts.get(0), g.scalar("two", 2f)), offset), d.anchors().strides());
        Value decoded = kpt[1] == 3 ? g.concat(List.of(xy, g.sigmoid(parts.get(1))), 2) : xy;
        Value keypoints = g.reshape(decoded, 0, nk, -1);                         // [B, K*D, A]
        return List.of(g.concat(List.of(d.output(), keypoints), 1));
    }

    /** The head's {@code kpt_shape} {@code [K, D]} with D = 2 (x, y) or 3 (x, y, visibility). */
    static long[] kptShape(ModuleNode m) throws PeregrineException {
        long[] k = ModuleAttrs.ints(m, "kpt_shape", 2);
        if (k[0] < 1 || (k[1] != 2 && k[1] != 3)) {
            throw ModuleAttrs.malformed(m, "kpt_shape [" + k[0] + ", " + k[1] + "] should be [K >= 1, 2 or 3]");
        }
        if (m.hasAttr("nk") && ModuleAttrs.requireLong(m, "nk") != k[0] * k[1]) {
            throw ModuleAttrs.malformed(m, "nk does not match kpt_shape");
        }
        return k;
    }
}
