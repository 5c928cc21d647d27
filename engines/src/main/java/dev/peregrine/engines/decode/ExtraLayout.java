package dev.peregrine.engines.decode;

import dev.peregrine.engines.EngineOutputs;

/**
 * Where the task values of one detection candidate sit in {@code output0}: a column of the anchor-free layout
 * {@code [B, C, N]} (value {@code c} of anchor {@code a} at {@code (c, a)}), or a row of the end-to-end layout
 * {@code [B, K, C]}.
 */
public enum ExtraLayout {
    /** Anchor-free {@code [B, C, N]}: one column per anchor. */
    ANCHOR_COLUMNS {
        @Override
        public float value(EngineOutputs.OutputTensor out, int image, int index, int channel) {
            long[] s = out.shape();
            return out.data().get((int) (((long) image * s[1] + channel) * s[2] + index));
        }
    },
    /** End-to-end {@code [B, K, C]}: one row per detection. */
    ROWS {
        @Override
        public float value(EngineOutputs.OutputTensor out, int image, int index, int channel) {
            long[] s = out.shape();
            return out.data().get((int) (((long) image * s[1] + index) * s[2] + channel));
        }
    };

    /**
     * Value {@code channel} of candidate {@code index} (anchor or row) of image {@code image}. The caller has
     * checked the shape.
     */
    public abstract float value(EngineOutputs.OutputTensor out, int image, int index, int channel);
}
