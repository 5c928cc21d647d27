package dev.peregrine.exporter.modules;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.exporter.onnx.OnnxGraphBuilder;
import dev.peregrine.exporter.onnx.Value;
import dev.peregrine.exporter.pt.ModuleNode;
import dev.peregrine.exporter.pt.TorchTensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Ultralytics' {@code Detect} head (YOLOv5u/v8/v9/11/12/26) and {@code v10Detect} (YOLOv10), in export mode.
 *
 * <p>Per level, the box branch ({@code cv2}) and class branch ({@code cv3}) are flattened to {@code [B, ch, H*W]} and
 * concatenated over levels. Boxes go through DFL (softmax over {@code reg_max} bins, expectation) unless
 * {@code reg_max} is 1, are decoded around the anchor points ({@code dist2bbox}) and scaled by the level stride;
 * class logits go through a sigmoid: {@code [B, 4 + nc, A]}. End-to-end heads (YOLOv10, YOLO26) use their one-to-one
 * branches, decode to corner boxes and select the top {@code max_det} (anchor, class) pairs: {@code [B, K, 6]} rows of
 * {@code x1, y1, x2, y2, score, class}.
 *
 * <p>The building blocks are public so that heads derived from {@code Detect} (segment, pose, OBB: see
 * {@link SegmentHead}, {@link PoseHead}, {@link ObbHead}) reuse them.
 */
public final class DetectHead implements ModuleEmitter {

    /** Branch outputs flattened and concatenated over levels. */
    public record Branches(Value boxes, Value scores) {
    }

    /** Anchor centres {@code [2, A]} (in grid units, cell centre at +0.5) and the stride of each anchor {@code [1, A]}. */
    public record Anchors(Value points, Value strides) {
    }

    /**
     * The decoded detect output before any end-to-end selection.
     *
     * @param output     {@code [B, 4 + nc, A]}: boxes in input pixels, then class scores (sigmoid applied)
     * @param anchors    the anchors the boxes were decoded around (heads derived from Detect decode keypoints with
     *                   them)
     * @param classCount {@code nc}
     * @param endToEnd   whether the one-to-one branches were used (the caller then applies {@link #topK})
     */
    public record Decoded(Value output, Anchors anchors, long classCount, boolean endToEnd) {
    }

    @Override
    public List<Value> emit(EmitContext ctx, ModuleNode m, List<Value> feats) throws PeregrineException {
        Decoded d = decode(ctx, m, feats);
        return List.of(d.endToEnd() ? topK(ctx, d.output(), d.classCount(), List.of()) : d.output());
    }

    /**
     * Ultralytics' {@code Detect._inference}: box and class branches (the one-to-one ones for end-to-end heads),
     * DFL, {@code dist2bbox} times the strides, class sigmoid, concatenated to {@code [B, 4 + nc, A]}.
     */
    public static Decoded decode(EmitContext ctx, ModuleNode m, List<Value> feats) throws PeregrineException {
        long nc = ModuleAttrs.requireLong(m, "nc");
        long regMax = ModuleAttrs.longOr(m, "reg_max", 16);
        boolean e2e = endToEnd(m);
        Branches br = branches(ctx, m, feats, e2e ? "one2one_cv2" : "cv2", e2e ? "one2one_cv3" : "cv3",
                4 * regMax, nc);
        Value dist = distances(ctx, m, br.boxes(), regMax);
        Anchors anchors = anchors(ctx, feats, strides(m, feats.size()));
        boolean xywh = !e2e && !ModuleAttrs.boolOr(m, "xyxy", false);
        OnnxGraphBuilder g = ctx.graph();
        Value y = g.concat(List.of(decodeBoxes(ctx, dist, anchors, xywh), g.sigmoid(br.scores())), 1);
        return new Decoded(y, anchors, nc, e2e);
    }

    /**
     * Whether the head runs end-to-end (NMS-free). Ultralytics' {@code Detect.end2end} is true when the head has
     * one-to-one branches and was not switched off ({@code _end2end} / an {@code end2end} attribute); {@code
     * v10Detect} declares it as a class attribute.
     */
    public static boolean endToEnd(ModuleNode m) throws PeregrineException {
        boolean oneToOne = m.children().containsKey("one2one_cv2") && m.children().containsKey("one2one_cv3");
        if (m.hasAttr("end2end") && m.attr("end2end") instanceof Boolean b) {
            return b && oneToOne;
        }
        if ("v10Detect".equals(m.simpleName())) {
            return oneToOne;
        }
        return ModuleAttrs.boolOr(m, "_end2end", true) && oneToOne;
    }

    /**
     * Decodes like {@link #decode} for a head derived from Detect that adds a channel group after the scores; such
     * heads are only supported with their one-to-many branches (YOLOv8/11 segment, pose, OBB), so an end-to-end one
     * is refused rather than exported without its selection step.
     */
    static Decoded decodeOneToMany(EmitContext ctx, ModuleNode m, List<Value> feats) throws PeregrineException {
        requireOneToMany(m);
        return decode(ctx, m, feats);
    }

    /** Refuses an end-to-end (one-to-one) segment, pose or OBB head. */
    static void requireOneToMany(ModuleNode m) throws PeregrineException {
        if (endToEnd(m)) {
            throw PeregrineException.unsupported("end-to-end " + m.simpleName() + " head at " + m.path()
                    + " (one-to-one branches) is not supported; only one-to-many " + m.simpleName()
                    + " heads (YOLOv8, YOLO11) are");
        }
    }

    /** The head's per-level strides (its {@code stride} tensor attribute). */
    public static float[] strides(ModuleNode m, int levels) throws PeregrineException {
        TorchTensor t = ModuleAttrs.optionalTensor(m, "stride");
        if (t == null) {
            throw ModuleAttrs.malformed(m, "has no 'stride' tensor");
        }
        float[] s = t.toFloats();
        if (s.length != levels) {
            throw ModuleAttrs.malformed(m, "has " + s.length + " strides for " + levels + " input feature maps");
        }
        for (float v : s) {
            if (!(v > 0)) {
                throw ModuleAttrs.malformed(m, "has stride " + v + " (the model's strides were never computed)");
            }
        }
        return s;
    }

    /**
     * Runs one branch list ({@code cv2}, {@code cv3}, ...) on every level, flattens each output to
     * {@code [B, channels, H*W]} and concatenates over levels.
     */
    public static Value branch(EmitContext ctx, ModuleNode m, List<Value> feats, String name, long channels)
            throws PeregrineException {
        List<ModuleNode> list = new ArrayList<>(ModuleAttrs.child(m, name).children().values());
        if (list.size() != feats.size()) {
            throw ModuleAttrs.malformed(m, name + " has " + list.size() + " levels but the head gets "
                    + feats.size() + " feature maps");
        }
        OnnxGraphBuilder g = ctx.graph();
        List<Value> flat = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Value out = ctx.call(list.get(i), name + "." + i, feats.get(i));
            if (out.dim(1) != channels) {
                throw ModuleAttrs.malformed(m, name + "." + i + " outputs " + out.dim(1) + " channels, expected "
                        + channels);
            }
            g.pushScope(name + "." + i);
            flat.add(g.reshape(out, 0, channels, -1));
            g.popScope();
        }
        return g.concat(flat, -1);
    }

    /** The box and class branches. */
    public static Branches branches(EmitContext ctx, ModuleNode m, List<Value> feats, String boxName,
            String clsName, long boxChannels, long nc) throws PeregrineException {
        return new Branches(branch(ctx, m, feats, boxName, boxChannels), branch(ctx, m, feats, clsName, nc));
    }

    /** Box distances {@code [B, 4, A]}: the {@code dfl} child on the raw box branch (an Identity when reg_max is 1). */
    public static Value distances(EmitContext ctx, ModuleNode m, Value boxes, long regMax)
            throws PeregrineException {
        ModuleNode dfl = m.children().get("dfl");
        if (dfl == null) {
            if (regMax > 1) {
                throw ModuleAttrs.malformed(m, "has reg_max " + regMax + " but no 'dfl' module");
            }
            return boxes;
        }
        return ctx.call(dfl, "dfl", boxes);
    }

    /**
     * {@code DFL}: {@code [B, 4*c1, A]} viewed as {@code [B, 4, c1, A]}, softmax over the c1 bins, expectation
     * through the 1x1 convolution whose weights are the bin indices: {@code [B, 4, A]}.
     */
    public static Value dfl(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        OnnxGraphBuilder g = ctx.graph();
        ConvWeights w = ConvWeights.fromConv2d(ModuleAttrs.child(m, "conv"));
        long bins = w.shape()[1];
        if (m.hasAttr("c1") && ModuleAttrs.requireLong(m, "c1") != bins) {
            throw ModuleAttrs.malformed(m, "c1 does not match its convolution weight");
        }
        Value v = g.transpose(g.reshape(x, 0, 4, bins, -1), 0, 2, 1, 3);
        Value p = g.softmax(v, 1);
        return g.reshape(ctx.conv("conv", w, p), 0, 4, -1);
    }

    /**
     * Anchor points and strides for the feature maps: constants when every feature map size is known (a static
     * export computes them for its image size, like Ultralytics), otherwise computed in the graph from the feature
     * maps' shapes (dynamic export).
     */
    public static Anchors anchors(EmitContext ctx, List<Value> feats, float[] strides) {
        OnnxGraphBuilder g = ctx.graph();
        boolean known = feats.stream().allMatch(f -> f.dim(2) >= 0 && f.dim(3) >= 0);
        if (known && !ctx.dynamic()) {
            int total = 0;
            for (Value f : feats) {
                total += (int) (f.dim(2) * f.dim(3));
            }
            float[] pts = new float[2 * total];
            float[] st = new float[total];
            int k = 0;
            for (int i = 0; i < feats.size(); i++) {
                int h = (int) feats.get(i).dim(2);
                int w = (int) feats.get(i).dim(3);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++, k++) {
                        pts[k] = x + 0.5f;
                        pts[total + k] = y + 0.5f;
                        st[k] = strides[i];
                    }
                }
            }
            return new Anchors(g.initializer("anchors", pts, 2, total), g.initializer("strides", st, 1, total));
        }
        List<Value> points = new ArrayList<>();
        List<Value> strideRows = new ArrayList<>();
        for (int i = 0; i < feats.size(); i++) {
            g.pushScope("anchors." + i);
            Anchors a = levelAnchors(g, feats.get(i), strides[i]);
            g.popScope();
            points.add(a.points());
            strideRows.add(a.strides());
        }
        return new Anchors(g.concat(points, 1), g.concat(strideRows, 1));
    }

    /** In-graph anchors of one level: cell centres of the feature map's H x W grid, row-major. */
    private static Anchors levelAnchors(OnnxGraphBuilder g, Value feat, float stride) {
        Value shape = g.shape(feat);
        Value h = g.gather(shape, g.longScalar(2), 0);
        Value w = g.gather(shape, g.longScalar(3), 0);
        Value zero = g.longScalar(0);
        Value one = g.longScalar(1);
        Value half = g.scalar("half", 0.5f);
        Value xs = g.add(g.cast(g.range(zero, w, one), DataType.FLOAT), half);   // [W]
        Value ys = g.add(g.cast(g.range(zero, h, one), DataType.FLOAT), half);   // [H]
        Value hw = g.concat(List.of(g.unsqueeze(h, 0), g.unsqueeze(w, 0)), 0);  // [2] = (H, W)
        long[] grid = {-1, -1};
        Value gx = g.expand(g.unsqueeze(xs, 0), hw, grid);                       // [H, W]
        Value gy = g.expand(g.unsqueeze(ys, 1), hw, grid);
        Value px = g.reshape(gx, 1, -1);
        Value py = g.reshape(gy, 1, -1);
        Value st = g.expand(g.initializer("stride", new float[] {stride}, 1, 1), g.shape(px), new long[] {1, -1});
        return new Anchors(g.concat(List.of(px, py), 0), st);
    }

    /**
     * Ultralytics' {@code dist2bbox} then the stride scaling: distances (left, top, right, bottom) around the anchor
     * become {@code cx, cy, w, h} ({@code xywh}) or {@code x1, y1, x2, y2}, in input pixels. The operation order is
     * Ultralytics' so that float rounding matches.
     */
    public static Value decodeBoxes(EmitContext ctx, Value dist, Anchors anchors, boolean xywh) {
        OnnxGraphBuilder g = ctx.graph();
        List<Value> ltrb = g.split(dist, 1, 2, 2);
        Value x1y1 = g.sub(anchors.points(), ltrb.get(0));
        Value x2y2 = g.add(anchors.points(), ltrb.get(1));
        Value box;
        if (xywh) {
            Value c = g.div(g.add(x1y1, x2y2), g.scalar("two", 2f));
            box = g.concat(List.of(c, g.sub(x2y2, x1y1)), 1);
        } else {
            box = g.concat(List.of(x1y1, x2y2), 1);
        }
        return g.mul(box, anchors.strides());
    }

    /**
     * End-to-end selection ({@code Detect.postprocess}): from {@code preds [B, 4 + nc + extra, A]}, the K anchors
     * with the highest class score, then the K highest (anchor, class) pairs among them; rows
     * {@code [box(4), score, class, extra...]}. K is {@code max_det}, or the anchor count when a static export has
     * fewer anchors. {@code extraChannels} lists the sizes of further channel groups after the scores (mask
     * coefficients...), gathered for the selected anchors.
     */
    public static Value topK(EmitContext ctx, Value preds, long nc, List<Long> extraChannels) {
        OnnxGraphBuilder g = ctx.graph();
        g.pushScope("postprocess");
        try {
            long anchors = preds.dim(2);
            long k = anchors >= 0 && !ctx.dynamic() ? Math.min(ctx.maxDet(), anchors) : ctx.maxDet();
            Value t = g.transpose(preds, 0, 2, 1);                                   // [B, A, C]
            long[] sizes = new long[2 + extraChannels.size()];
            sizes[0] = 4;
            sizes[1] = nc;
            for (int i = 0; i < extraChannels.size(); i++) {
                sizes[2 + i] = extraChannels.get(i);
            }
            List<Value> parts = g.split(t, 2, sizes);
            Value scores = parts.get(1);                                            // [B, A, nc]
            Value best = g.reduceMax(scores, false, -1);                             // [B, A]
            Value anchorIdx = g.topK(best, k).get(1);                                // [B, K]
            Value candidates = g.gatherElements(scores, expandLast(g, anchorIdx, nc), 1); // [B, K, nc]
            List<Value> top = g.topK(g.reshape(candidates, 0, -1), k);              // over K*nc pairs
            Value ncConst = g.longScalar(nc);
            Value cls = g.cast(g.mod(top.get(1), ncConst), DataType.FLOAT);
            Value idx = g.gatherElements(anchorIdx, g.div(top.get(1), ncConst), 1);  // [B, K] anchor index
            List<Value> cols = new ArrayList<>();
            cols.add(g.gatherElements(parts.get(0), expandLast(g, idx, 4), 1));
            cols.add(g.unsqueeze(top.get(0), -1));
            cols.add(g.unsqueeze(cls, -1));
            for (int i = 0; i < extraChannels.size(); i++) {
                cols.add(g.gatherElements(parts.get(2 + i), expandLast(g, idx, extraChannels.get(i)), 1));
            }
            return g.concat(cols, -1);
        } finally {
            g.popScope();
        }
    }

    /** {@code idx [B, K]} repeated along a new last axis of size {@code n}: {@code [B, K, n]}. */
    private static Value expandLast(OnnxGraphBuilder g, Value idx, long n) {
        Value u = g.unsqueeze(idx, -1);
        long[] shape = {idx.dim(0), idx.dim(1), n};
        return g.expand(u, g.longs(1, 1, n), shape);
    }
}
