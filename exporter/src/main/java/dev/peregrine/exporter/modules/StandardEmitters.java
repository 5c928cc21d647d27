package dev.peregrine.exporter.modules;

/**
 * The built-in emitters. Each family class registers its module types; a new family (a segmentation or pose head, a
 * new block) adds its {@code register} call here, or registers on a registry it owns.
 */
public final class StandardEmitters {
    private StandardEmitters() {
    }

    /** Registers every built-in emitter on {@code r}. */
    public static void registerAll(EmitterRegistry r) {
        TorchModules.register(r);
        ConvModules.register(r);
        CspModules.register(r);
        AttentionModules.register(r);
        DetectHead detect = new DetectHead();
        r.register("Detect", detect);
        r.register("v10Detect", detect);
        r.register("DFL", (SingleInputEmitter) DetectHead::dfl);
        r.register("Segment", new SegmentHead());
        r.register("Proto", (SingleInputEmitter) SegmentHead::proto);
        r.register("Pose", new PoseHead());
        r.register("OBB", new ObbHead());
        r.register("Classify", new ClassifyHead());
    }
}
