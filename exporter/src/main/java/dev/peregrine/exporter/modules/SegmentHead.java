package dev.peregrine.exporter.modules;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.exporter.onnx.OnnxGraphBuilder;
import dev.peregrine.exporter.onnx.Value;
import dev.peregrine.exporter.pt.ModuleNode;
import java.util.List;

/**
 * Ultralytics' {@code Segment} head in export mode: the {@link DetectHead} output followed by {@code nm} mask
 * coefficients per anchor from the {@code cv4} branch ({@code output0 [B, 4 + nc + nm, A]}), and the mask prototypes
 * of the {@code proto} module on the first (stride 8) feature map ({@code output1 [B, nm, H/4, W/4]}).
 */
public final class SegmentHead implements ModuleEmitter {

    @Override
    public List<Value> emit(EmitContext ctx, ModuleNode m, List<Value> feats) throws PeregrineException {
        long nm = ModuleAttrs.requireLong(m, "nm");
        DetectHead.Decoded d = DetectHead.decodeOneToMany(ctx, m, feats);
        Value coefficients = DetectHead.branch(ctx, m, feats, "cv4", nm);
        OnnxGraphBuilder g = ctx.graph();
        Value y = g.concat(List.of(d.output(), coefficients), 1);
        Value protos = ctx.callChild(m, "proto", feats.get(0));
        if (protos.dim(1) != nm) {
            throw ModuleAttrs.malformed(m, "proto outputs " + protos.dim(1) + " prototypes for " + nm
                    + " mask coefficients");
        }
        return List.of(y, protos);
    }

    /**
     * {@code Proto}: {@code cv3(cv2(upsample(cv1(x))))}, two {@code Conv}s around a 2x {@code ConvTranspose2d}
     * upsampling, then the {@code Conv} to {@code nm} prototypes.
     */
    static Value proto(EmitContext ctx, ModuleNode m, Value x) throws PeregrineException {
        Value y = ctx.callChild(m, "cv1", x);
        y = ctx.callChild(m, "upsample", y);
        y = ctx.callChild(m, "cv2", y);
        return ctx.callChild(m, "cv3", y);
    }
}
