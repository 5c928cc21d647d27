package dev.peregrine.exporter.precision;

import java.util.Set;

/**
 * Settings of the FP16 pass. Graph inputs and outputs always stay float32 (engines feed float32 buffers).
 *
 * @param keepHeadFp32 keep the detection head's tail in float32: every node downstream of a reshape that flattens
 *                     a 4-D feature map (the DFL softmax and its convolution, anchor/stride box decoding, score
 *                     sigmoid, end-to-end top-k). Measured on the trained fixture: FP16 there moves boxes by up to a
 *                     quarter pixel at 320 px (FP16 spacing above 256 is 0.25) for no speed gain, so the default is
 *                     true
 * @param keepOpTypes  operator types to keep in float32 in addition to those without FP16 kernels in the ONNX
 *                     spec ({@code NonMaxSuppression}, {@code Range}, random generators)
 * @param keepNodes    node names to keep in float32
 * @param maxMagnitude nodes whose float32 outputs exceed this absolute value on a probe input stay float32, so that
 *                     nothing can overflow FP16's ±65504; {@code Float.POSITIVE_INFINITY} skips the probe run
 */
public record Fp16Options(boolean keepHeadFp32, Set<String> keepOpTypes, Set<String> keepNodes, float maxMagnitude) {

    public Fp16Options {
        keepOpTypes = Set.copyOf(keepOpTypes);
        keepNodes = Set.copyOf(keepNodes);
        if (!(maxMagnitude > 0)) {
            throw new IllegalArgumentException("maxMagnitude must be > 0, got " + maxMagnitude);
        }
    }

    /** Head tail in float32, magnitude guard at 8192 (one eighth of the FP16 range). */
    public static Fp16Options defaults() {
        return new Fp16Options(true, Set.of(), Set.of(), 8192f);
    }

    /** A copy with the head-tail rule switched. */
    public Fp16Options withKeepHeadFp32(boolean keep) {
        return new Fp16Options(keep, keepOpTypes, keepNodes, maxMagnitude);
    }
}
