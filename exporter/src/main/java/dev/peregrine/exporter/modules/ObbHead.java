package dev.peregrine.exporter.modules;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.exporter.onnx.OnnxGraphBuilder;
import dev.peregrine.exporter.onnx.Value;
import dev.peregrine.exporter.pt.ModuleNode;
import java.util.List;

/**
 * Ultralytics' {@code OBB} head in export mode: {@code [B, 4 + nc + 1, A]} with rows {@code cx, cy, w, h} of the
 * rotated box in input pixels, the class scores (sigmoid) and the angle in radians.
 *
 * <p>The angle branch {@code cv4} gives {@code (sigmoid(t) - 0.25) * pi} (range -pi/4 .. 3pi/4). Boxes are decoded
 * with Ultralytics' {@code dist2rbox}: with DFL distances {@code lt, rb} around the anchor,
 * {@code (xf, yf) = (rb - lt) / 2} rotated by the angle gives the centre offset, {@code lt + rb} the size; both
 * times the stride. Operations are in Ultralytics' order so that float rounding matches.
 */
public final class ObbHead implements ModuleEmitter {

    @Override
    public List<Value> emit(EmitContext ctx, ModuleNode m, List<Value> feats) throws PeregrineException {
        DetectHead.requireOneToMany(m);
        long nc = ModuleAttrs.requireLong(m, "nc");
        long regMax = ModuleAttrs.longOr(m, "reg_max", 16);
        long ne = ModuleAttrs.longOr(m, "ne", 1);
        if (ne != 1) {
            throw PeregrineException.unsupported("OBB head at " + m.path() + " predicts " + ne
                    + " extra values per anchor; only 1 (the angle) is supported");
        }
        DetectHead.Branches br = DetectHead.branches(ctx, m, feats, "cv2", "cv3", 4 * regMax, nc);
        OnnxGraphBuilder g = ctx.graph();
        Value logits = DetectHead.branch(ctx, m, feats, "cv4", ne);
        Value angle = g.mul(g.sub(g.sigmoid(logits), g.scalar("quarter", 0.25f)), g.scalar("pi", (float) Math.PI));
        Value dist = DetectHead.distances(ctx, m, br.boxes(), regMax);
        DetectHead.Anchors anchors = DetectHead.anchors(ctx, feats, DetectHead.strides(m, feats.size()));
        Value boxes = rotatedBoxes(g, dist, angle, anchors);
        return List.of(g.concat(List.of(boxes, g.sigmoid(br.scores()), angle), 1));
    }

    /** {@code dist2rbox(dist, angle, anchors) * strides}: {@code [B, 4, A]} rows cx, cy, w, h. */
    static Value rotatedBoxes(OnnxGraphBuilder g, Value dist, Value angle, DetectHead.Anchors anchors) {
        List<Value> ltrb = g.split(dist, 1, 2, 2);
        Value lt = ltrb.get(0);
        Value rb = ltrb.get(1);
        Value cos = g.unary("Cos", angle);
        Value sin = g.unary("Sin", angle);
        List<Value> half = g.split(g.div(g.sub(rb, lt), g.scalar("two", 2f)), 1, 1, 1);
        Value xf = half.get(0);
        Value yf = half.get(1);
        Value x = g.sub(g.mul(xf, cos), g.mul(yf, sin));
        Value y = g.add(g.mul(xf, sin), g.mul(yf, cos));
        Value centre = g.add(g.concat(List.of(x, y), 1), anchors.points());
        return g.mul(g.concat(List.of(centre, g.add(lt, rb)), 1), anchors.strides());
    }
}
