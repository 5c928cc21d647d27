package dev.peregrine.engines.trt;

import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import java.util.Arrays;

/**
 * The shape of the single NCHW image input for a given batch, resolved from the engine's input (which may have
 * dynamic dimensions) and the model's input size, and checked against the optimization profile. Pure Java.
 *
 * @param name      input tensor name
 * @param type      element type the engine expects (FP32 or FP16; images arrive as float32)
 * @param imageDims the per-image dimensions {@code [C, H, W]}
 * @param profile   the input's optimization profile
 */
public record InputLayout(String name, ElementType type, long[] imageDims, ShapeProfile profile) {

    public InputLayout {
        imageDims = imageDims.clone();
    }

    @Override
    public long[] imageDims() {
        return imageDims.clone();
    }

    /**
     * Resolves the layout of {@code input} for images of {@code info}'s size.
     *
     * @throws PeregrineException UNSUPPORTED for a non-NCHW or non-float input, BAD_INPUT when fixed dimensions
     *                            disagree with the model size or the profile does not admit it
     */
    public static InputLayout of(EngineTensor input, ModelInfo info) throws PeregrineException {
        long[] s = input.shape();
        if (s.length != 4) {
            throw PeregrineException.unsupported("engine input " + input.name() + " has shape " + Shapes.format(s)
                    + "; only NCHW image inputs are supported");
        }
        if (!input.type().isFloatConvertible()) {
            throw PeregrineException.unsupported("engine input " + input.name() + " is " + input.type().onnxName()
                    + "; only float32/float16 image inputs are supported");
        }
        long[] want = {info.channels(), info.inputHeight(), info.inputWidth()};
        for (int i = 1; i < 4; i++) {
            if (s[i] >= 0 && s[i] != want[i - 1]) {
                throw PeregrineException.badInput("engine input " + input.name() + " has shape " + Shapes.format(s)
                        + " but its model metadata says " + Shapes.format(want) + " per image (corrupt header?)");
            }
        }
        InputLayout layout = new InputLayout(input.name(), input.type(), want, input.profile());
        long[] lo = layout.shape(Math.toIntExact(input.profile().min()[0]));
        long[] hi = layout.shape(Math.toIntExact(input.profile().max()[0]));
        if (!input.profile().admits(lo) || !input.profile().admits(hi)) {
            throw PeregrineException.badInput("engine input " + input.name() + ": profile (" + input.profile()
                    + ") does not admit images of " + Shapes.format(want));
        }
        return layout;
    }

    /** The input shape for {@code batch} images. */
    public long[] shape(int batch) {
        long[] s = new long[4];
        s[0] = batch;
        System.arraycopy(imageDims, 0, s, 1, 3);
        return s;
    }

    /** Elements of one image ({@code C*H*W}). */
    public long imageElements() {
        return Shapes.elementCount(imageDims);
    }

    /** Bytes of the input buffer for {@code batch} images in the engine's element type. */
    public long bytes(int batch) {
        return Math.multiplyExact(Math.multiplyExact(imageElements(), batch), type.bytes());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputLayout l && l.name.equals(name) && l.type == type
                && Arrays.equals(l.imageDims, imageDims) && l.profile.equals(profile);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(imageDims);
    }
}
