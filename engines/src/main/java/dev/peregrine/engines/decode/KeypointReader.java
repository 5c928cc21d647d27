package dev.peregrine.engines.decode;

import dev.peregrine.engines.EngineOutputs;

/**
 * Reads the pose keypoints of a kept detection from {@code output0}: {@code K * D} values from channel
 * {@code firstChannel} on ({@code 4 + nc} in the anchor-free layout, 6 in the end-to-end one), per keypoint x, y in
 * input pixels (the model has decoded them) and, when {@code D} is 3, the visibility after its sigmoid.
 */
public final class KeypointReader implements DetectionExtras {
    private final int firstChannel;
    private final int count;
    private final int dims;
    private final ExtraLayout layout;

    /**
     * @param firstChannel channel of the first keypoint's x
     * @param kptShape     {@code [K, D]} with D 2 or 3
     * @param layout       the output layout
     */
    public KeypointReader(int firstChannel, int[] kptShape, ExtraLayout layout) {
        if (kptShape.length != 2 || kptShape[0] < 1 || (kptShape[1] != 2 && kptShape[1] != 3)) {
            throw new IllegalArgumentException("kpt_shape must be [K >= 1, 2 or 3], got "
                    + java.util.Arrays.toString(kptShape));
        }
        this.firstChannel = firstChannel;
        this.count = kptShape[0];
        this.dims = kptShape[1];
        this.layout = layout;
    }

    @Override
    public Keypoints read(EngineOutputs outputs, int image, int index) {
        EngineOutputs.OutputTensor out = outputs.get(0);
        float[] xy = new float[2 * count];
        float[] conf = dims == 3 ? new float[count] : null;
        for (int k = 0; k < count; k++) {
            int c = firstChannel + k * dims;
            xy[2 * k] = layout.value(out, image, index, c);
            xy[2 * k + 1] = layout.value(out, image, index, c + 1);
            if (conf != null) {
                conf[k] = layout.value(out, image, index, c + 2);
            }
        }
        return new Keypoints(xy, conf);
    }
}
