package dev.peregrine.engines.trt;

import dev.peregrine.engines.TensorSpec;
import java.util.Arrays;
import java.util.Objects;

/**
 * One input or output of a TensorRT engine as recorded in its header.
 *
 * @param name    tensor name (the ONNX input/output name, e.g. {@code images}, {@code output0})
 * @param input   true for an input, false for an output
 * @param type    element type of the engine binding (FP16 when the ONNX has FP16 inputs/outputs)
 * @param shape   dimensions, -1 where dynamic
 * @param profile for inputs: the optimization profile's min/opt/max shapes; null for outputs
 */
public record EngineTensor(String name, boolean input, ElementType type, long[] shape, ShapeProfile profile) {

    public EngineTensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        shape = shape.clone();
        if (input && profile == null) {
            throw new IllegalArgumentException("input " + name + " needs an optimization profile");
        }
        if (profile != null && profile.rank() != shape.length) {
            throw new IllegalArgumentException("input " + name + ": profile rank " + profile.rank() + " != shape rank " + shape.length);
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The tensor as the {@link dev.peregrine.engines.Engine} API describes it. */
    public TensorSpec toSpec() {
        return new TensorSpec(name, type.onnxName(), shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EngineTensor t && t.name.equals(name) && t.input == input && t.type == type
                && Arrays.equals(t.shape, shape) && Objects.equals(t.profile, profile);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, input, type, Arrays.hashCode(shape), profile);
    }

    @Override
    public String toString() {
        return (input ? "input " : "output ") + name + ":" + type.onnxName() + "[" + Shapes.format(shape) + "]"
                + (profile != null && !profile.isFixed() ? " (" + profile + ")" : "");
    }
}
