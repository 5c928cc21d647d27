package dev.peregrine.exporter.precision;

import java.util.Set;

/**
 * Settings of the INT8 post-training quantization pass.
 *
 * @param calibSize        images used for calibration, sampled evenly from the source (default 256)
 * @param minImages        fewer usable calibration images than this is an error (default 16)
 * @param method           range selection for activations
 * @param percentile       percentile of |x| for {@link CalibrationMethod#PERCENTILE}, in (0, 100]
 * @param quantizeFirstConv quantize the convolution that reads the image (its input then has 7-bit resolution)
 * @param quantizeHeadOutputs quantize the outputs of the detection head's last convolutions (box distribution and
 *                         class logits) instead of leaving them float
 * @param floatBias        keep convolution biases float32 (TensorRT-only artifacts); by default biases are int32
 *                         with scale {@code s_x * s_w}, which ONNX Runtime needs to fuse QLinearConv
 * @param uint8Activations store activations as uint8 with zero point 128 instead of int8 with zero point 0 (the
 *                         same values): ONNX Runtime's x86 CPU provider fuses only uint8-activation QDQ groups
 *                         into its fast integer kernels by default, while TensorRT accepts only int8, so this is an
 *                         ONNX-Runtime-CPU-only artifact
 * @param excludeNodes     node names never quantized
 */
public record Int8Options(int calibSize, int minImages, CalibrationMethod method, double percentile,
                          boolean quantizeFirstConv, boolean quantizeHeadOutputs, boolean floatBias,
                          boolean uint8Activations, Set<String> excludeNodes) {

    public Int8Options {
        if (calibSize < 1) {
            throw new IllegalArgumentException("calib-size must be >= 1, got " + calibSize);
        }
        if (minImages < 1) {
            throw new IllegalArgumentException("minImages must be >= 1, got " + minImages);
        }
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + percentile);
        }
        if (method == null) {
            throw new IllegalArgumentException("method is required");
        }
        excludeNodes = Set.copyOf(excludeNodes);
    }

    /**
     * 256 images (at least 16), min-max ranges, first convolution quantized, head outputs float, int32 biases,
     * int8 activations. Min-max is the default because it lost least on the trained fixture (see PRECISION.md).
     */
    public static Int8Options defaults() {
        return new Int8Options(256, 16, CalibrationMethod.MINMAX, 99.99, true, false, false, false, Set.of());
    }

    /** A copy using {@code n} calibration images (the minimum drops to {@code n} when it was larger). */
    public Int8Options withCalibSize(int n) {
        return new Int8Options(n, Math.min(minImages, n), method, percentile, quantizeFirstConv,
                quantizeHeadOutputs, floatBias, uint8Activations, excludeNodes);
    }

    /** A copy requiring at least {@code n} readable calibration images. */
    public Int8Options withMinImages(int n) {
        return new Int8Options(calibSize, n, method, percentile, quantizeFirstConv, quantizeHeadOutputs, floatBias,
                uint8Activations, excludeNodes);
    }

    /** A copy with another range selection method. */
    public Int8Options withMethod(CalibrationMethod m) {
        return new Int8Options(calibSize, minImages, m, percentile, quantizeFirstConv, quantizeHeadOutputs,
                floatBias, uint8Activations, excludeNodes);
    }

    /** A copy that does or does not quantize the convolution reading the image. */
    public Int8Options withQuantizeFirstConv(boolean q) {
        return new Int8Options(calibSize, minImages, method, percentile, q, quantizeHeadOutputs, floatBias,
                uint8Activations, excludeNodes);
    }

    /** A copy that does or does not quantize the outputs of the head's last convolutions. */
    public Int8Options withQuantizeHeadOutputs(boolean q) {
        return new Int8Options(calibSize, minImages, method, percentile, quantizeFirstConv, q, floatBias,
                uint8Activations, excludeNodes);
    }

    /** A copy with float32 (TensorRT) or int32 (ONNX Runtime) biases. */
    public Int8Options withFloatBias(boolean f) {
        return new Int8Options(calibSize, minImages, method, percentile, quantizeFirstConv, quantizeHeadOutputs, f,
                uint8Activations, excludeNodes);
    }

    /** A copy with another percentile for {@link CalibrationMethod#PERCENTILE}. */
    public Int8Options withPercentile(double p) {
        return new Int8Options(calibSize, minImages, method, p, quantizeFirstConv, quantizeHeadOutputs, floatBias,
                uint8Activations, excludeNodes);
    }

    /** A copy with uint8 (ONNX Runtime CPU) or int8 (portable) activations. */
    public Int8Options withUint8Activations(boolean u) {
        return new Int8Options(calibSize, minImages, method, percentile, quantizeFirstConv, quantizeHeadOutputs,
                floatBias, u, excludeNodes);
    }

    /** A copy that never quantizes the named nodes. */
    public Int8Options withExcludeNodes(Set<String> names) {
        return new Int8Options(calibSize, minImages, method, percentile, quantizeFirstConv, quantizeHeadOutputs,
                floatBias, uint8Activations, names);
    }
}
