package dev.peregrine.exporter.trt;

import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.TensorSpec;
import dev.peregrine.engines.trt.ShapeProfile;
import dev.peregrine.engines.trt.Shapes;

/**
 * Computes the optimization profile (min/opt/max shapes) of the model's image input from its ONNX shape, the
 * model size in the metadata and the build options. Pure Java; the rules are those of {@link EngineBuildOptions}.
 */
final class ProfilePlanner {
    private ProfilePlanner() {
    }

    /**
     * @throws PeregrineException BAD_INPUT when the options contradict the ONNX (a batch for a fixed-batch model,
     *                            shapes that change fixed dimensions, min &gt; opt, ...) or a dimension stays unknown
     */
    static ShapeProfile plan(TensorSpec input, ModelInfo info, EngineBuildOptions o) throws PeregrineException {
        long[] onnx = input.shape();
        String name = input.name();
        String file = o.onnx().getFileName().toString();
        if (o.explicitShapes()) {
            return explicit(input, o, file);
        }
        long[] base = onnx.clone();
        if (base.length == 4) {
            // Dynamic spatial dimensions (Ultralytics dynamic=True) take the size the model was trained at.
            long[] chw = {info.channels(), info.inputHeight(), info.inputWidth()};
            for (int i = 1; i < 4; i++) {
                if (base[i] < 0) {
                    base[i] = chw[i - 1];
                }
            }
        }
        for (int i = 1; i < base.length; i++) {
            if (base[i] < 0) {
                throw PeregrineException.badInput("dimension " + i + " of input " + name + " in " + file
                        + " is dynamic: give the range with --dynamic --min-shape/--opt-shape/--max-shape");
            }
        }
        if (base.length == 0) {
            throw PeregrineException.unsupported("input " + name + " of " + file + " is a scalar, not an image batch");
        }
        boolean fixedBatch = onnx[0] > 0;
        if (fixedBatch) {
            if (o.dynamic()) {
                throw PeregrineException.badInput(file + " has a fixed batch of " + onnx[0] + ", so --dynamic has nothing to vary: "
                        + "export the model with a dynamic batch first (peregrine export model.pt --dynamic)");
            }
            if (o.batch() != null && o.batch() != onnx[0]) {
                throw PeregrineException.badInput(file + " has a fixed batch of " + onnx[0] + "; to build an engine for batch "
                        + o.batch() + ", export the model with that batch or a dynamic one first");
            }
            return ShapeProfile.fixed(base);
        }
        if (o.dynamic()) {
            int max = o.batch() != null ? o.batch() : EngineBuildOptions.DEFAULT_DYNAMIC_MAX_BATCH;
            return new ShapeProfile(Shapes.withBatch(base, 1), Shapes.withBatch(base, Math.max(1, max / 2)),
                    Shapes.withBatch(base, max));
        }
        return ShapeProfile.fixed(Shapes.withBatch(base, o.batch() != null ? o.batch() : 1));
    }

    private static ShapeProfile explicit(TensorSpec input, EngineBuildOptions o, String file) throws PeregrineException {
        long[] onnx = input.shape();
        long[][] given = {o.minShape(), o.optShape(), o.maxShape()};
        String[] flag = {"--min-shape", "--opt-shape", "--max-shape"};
        for (int k = 0; k < 3; k++) {
            if (given[k].length != onnx.length) {
                throw PeregrineException.badInput(flag[k] + " " + Shapes.format(given[k]) + " has " + given[k].length
                        + " dimensions, input " + input.name() + " of " + file + " has " + onnx.length + " ("
                        + Shapes.format(onnx) + ")");
            }
            for (int i = 0; i < onnx.length; i++) {
                if (onnx[i] > 0 && given[k][i] != onnx[i]) {
                    throw PeregrineException.badInput(flag[k] + " " + Shapes.format(given[k]) + ": dimension " + i
                            + " of input " + input.name() + " is fixed at " + onnx[i] + " in " + file);
                }
            }
        }
        try {
            return new ShapeProfile(given[0], given[1], given[2]);
        } catch (IllegalArgumentException e) {
            throw PeregrineException.badInput("--min-shape/--opt-shape/--max-shape: " + e.getMessage());
        }
    }
}
