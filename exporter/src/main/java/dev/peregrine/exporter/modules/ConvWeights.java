package dev.peregrine.exporter.modules;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.exporter.pt.ModuleNode;
import dev.peregrine.exporter.pt.TorchTensor;
import java.util.Arrays;

/**
 * A 2-D convolution ready to emit: FP32 weight {@code [out, in/groups, kH, kW]}, bias (zeros when the layer has
 * none) and geometry. Produced from a torch {@code Conv2d}, optionally with a BatchNorm folded in, and combinable
 * with parallel branches (RepConv, RepVGGDW) by {@link #plus}.
 *
 * @param weight    row-major weight
 * @param shape     weight shape {@code [out, in/groups, kH, kW]}
 * @param bias      one value per output channel
 * @param strides   {@code [sH, sW]}
 * @param pads      ONNX pads {@code [top, left, bottom, right]}
 * @param dilations {@code [dH, dW]}
 * @param groups    channel groups
 */
public record ConvWeights(float[] weight, long[] shape, float[] bias, long[] strides, long[] pads, long[] dilations,
        long groups) {

    /** Output channels. */
    public int outChannels() {
        return (int) shape[0];
    }

    /**
     * Reads a torch {@code nn.Conv2d}: weights, optional bias, and stride, padding, dilation, groups from its
     * attributes. Only zero padding is supported (the mode every Ultralytics layer uses).
     */
    public static ConvWeights fromConv2d(ModuleNode conv) throws PeregrineException {
        TorchTensor w = ModuleAttrs.tensor(conv, "weight");
        long[] shape = w.shape();
        if (shape.length != 4) {
            throw ModuleAttrs.malformed(conv, "weight should be 4-D, found shape " + Arrays.toString(shape));
        }
        String mode = ModuleAttrs.stringOr(conv, "padding_mode", "zeros");
        if (!"zeros".equals(mode)) {
            throw PeregrineException.unsupported("Conv2d at " + conv.path() + " uses padding_mode '" + mode
                    + "'; only 'zeros' is supported");
        }
        if (ModuleAttrs.boolOr(conv, "transposed", false)) {
            throw ModuleAttrs.malformed(conv, "is a transposed convolution");
        }
        long[] stride = ModuleAttrs.ints(conv, "stride", 2);
        long[] dilation = ModuleAttrs.ints(conv, "dilation", 2);
        long groups = ModuleAttrs.longOr(conv, "groups", 1);
        long[] kernel = {shape[2], shape[3]};
        long[] pad = padding(conv, kernel, dilation);
        if (conv.hasAttr("in_channels") && ModuleAttrs.requireLong(conv, "in_channels") != shape[1] * groups) {
            throw ModuleAttrs.malformed(conv, "in_channels does not match weight shape " + Arrays.toString(shape)
                    + " with groups " + groups);
        }
        TorchTensor b = ModuleAttrs.optionalTensor(conv, "bias");
        float[] bias = b == null ? new float[(int) shape[0]] : b.toFloats();
        return new ConvWeights(w.toFloats(), shape, bias, stride, new long[] {pad[0], pad[1], pad[0], pad[1]},
                dilation, groups);
    }

    private static long[] padding(ModuleNode conv, long[] kernel, long[] dilation) throws PeregrineException {
        Object p = conv.hasAttr("padding") ? conv.attr("padding") : null;
        if ("valid".equals(p)) {
            return new long[] {0, 0};
        }
        if ("same".equals(p)) {
            long[] out = new long[2];
            for (int i = 0; i < 2; i++) {
                long total = dilation[i] * (kernel[i] - 1);
                if (total % 2 != 0) {
                    throw PeregrineException.unsupported("Conv2d at " + conv.path()
                            + " uses asymmetric 'same' padding, which is not supported");
                }
                out[i] = total / 2;
            }
            return out;
        }
        return ModuleAttrs.ints(conv, "padding", 2);
    }

    /**
     * This convolution followed by the BatchNorm {@code bn} (eval mode), as one convolution:
     * {@code w' = w * gamma / sqrt(var + eps)}, {@code b' = (b - mean) * gamma / sqrt(var + eps) + beta}, with the
     * BatchNorm's own {@code eps} (0.001 in detection models, 1e-5 in classifiers). Computed in double precision.
     */
    public ConvWeights foldBatchNorm(ModuleNode bn) throws PeregrineException {
        int c = outChannels();
        double eps = ModuleAttrs.requireDouble(bn, "eps");
        float[] mean = ModuleAttrs.floats(bn, "running_mean");
        float[] var = ModuleAttrs.floats(bn, "running_var");
        TorchTensor g = ModuleAttrs.optionalTensor(bn, "weight");
        TorchTensor bt = ModuleAttrs.optionalTensor(bn, "bias");
        float[] gamma = g == null ? ones(c) : g.toFloats();
        float[] beta = bt == null ? new float[c] : bt.toFloats();
        if (mean.length != c || var.length != c || gamma.length != c || beta.length != c) {
            throw ModuleAttrs.malformed(bn, "has " + mean.length + " channels, the convolution before it " + c);
        }
        float[] w = new float[weight.length];
        float[] b = new float[c];
        int per = weight.length / c;
        for (int o = 0; o < c; o++) {
            double scale = gamma[o] / Math.sqrt(var[o] + eps);
            for (int k = 0; k < per; k++) {
                w[o * per + k] = (float) (weight[o * per + k] * scale);
            }
            b[o] = (float) ((bias[o] - (double) mean[o]) * scale + beta[o]);
        }
        return new ConvWeights(w, shape, b, strides, pads, dilations, groups);
    }

    /**
     * The sum of this convolution and a parallel one with the same output channels, groups and stride but an equal or
     * smaller odd kernel centred in this one (RepConv's 3x3 + 1x1, RepVGGDW's 7x7 + 3x3): the smaller kernel is
     * zero-padded to this size, the biases add.
     */
    public ConvWeights plus(ConvWeights other) {
        if (other.shape[0] != shape[0] || other.shape[1] != shape[1] || other.groups != groups
                || !Arrays.equals(other.strides, strides)) {
            throw new IllegalArgumentException("branches differ: " + Arrays.toString(shape) + " vs "
                    + Arrays.toString(other.shape));
        }
        int kh = (int) shape[2];
        int kw = (int) shape[3];
        int oh = (int) other.shape[2];
        int ow = (int) other.shape[3];
        int dy = (kh - oh) / 2;
        int dx = (kw - ow) / 2;
        float[] w = weight.clone();
        int planes = (int) (shape[0] * shape[1]);
        for (int p = 0; p < planes; p++) {
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    w[(p * kh + y + dy) * kw + x + dx] += other.weight[(p * oh + y) * ow + x];
                }
            }
        }
        float[] b = new float[bias.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = bias[i] + other.bias[i];
        }
        return new ConvWeights(w, shape, b, strides, pads, dilations, groups);
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        Arrays.fill(a, 1f);
        return a;
    }
}
