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
 * @param excludeNodes     node names never quantized
 */
public record Int8Options(int calibSize, int minImages, CalibrationMethod method, double percentile,
                          boolean quantizeFirstConv, boolean quantizeHeadOutputs, boolean floatBias,
                          Set<String> excludeNodes) {

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

    /** 256 images, at least 16, percentile 99.99, head outputs float, int32 biases. */
    public static Int8Options defaults() {
        return new Int8Options(256, 16, CalibrationMethod.PERCENTILE, 99.99, true, false, false, Set.of());
    }

    public Int8Options withCalibSize(int n) {
        return new Int8Options(n, Math.min(minImages, n), method, percentile, quantizeFirstConv,
                quantizeHeadOutputs, floatBias, excludeNodes);
    }

    public Int8Options withMinImages(int n) {
        return new Int8Options(calibSize, n, method, percentile, quantizeFirstConv, quantizeHeadOutputs, floatBias,
                excludeNodes);
    }

    public Int8Options withMethod(CalibrationMethod m) {
        return new Int8Options(calibSize, minImages, m, percentile, quantizeFirstConv, quantizeHeadOutputs,
                floatBias, excludeNodes);
    }

    public Int8Options withQuantizeFirstConv(boolean q) {
        return new Int8Options(calibSize, minImages, method, percentile, q, quantizeHeadOutputs, floatBias,
                excludeNodes);
    }

    public Int8Options withQuantizeHeadOutputs(boolean q) {
        return new Int8Options(calibSize, minImages, method, percentile, quantizeFirstConv, q, floatBias,
                excludeNodes);
    }

    public Int8Options withFloatBias(boolean f) {
        return new Int8Options(calibSize, minImages, method, percentile, quantizeFirstConv, quantizeHeadOutputs, f,
                excludeNodes);
    }
}
