package dev.peregrine.engines.decode;

import dev.peregrine.engines.EngineOutputs;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * One image's slice of an anchor-free head output {@code [B, rows, N]} (the first output), read in place: value
 * {@code k} of anchor {@code a} is at {@code base + k * anchors + a}. Shared by the decoders of that layout
 * ({@link AnchorFreeDecoder}, {@link ObbDecoder}), which differ in what their rows after the scores hold.
 *
 * @param data    the output buffer
 * @param base    index of the image's first value (row 0, anchor 0)
 * @param anchors anchors per row ({@code N})
 */
record AnchorRows(FloatBuffer data, int base, int anchors) {

    /**
     * Image {@code image} of the first output, checked to be {@code [B, rows, N]} with {@code image < B}.
     *
     * @param decoder    the decoder's name for the error message, e.g. {@code "OBB"}
     * @param classCount the decoder's class count, for the error message
     * @throws PeregrineException ENGINE_FAILURE when the output does not have that layout
     */
    static AnchorRows of(EngineOutputs outputs, int image, int rows, String decoder, int classCount)
            throws PeregrineException {
        EngineOutputs.OutputTensor out = outputs.get(0);
        long[] shape = out.shape();
        if (shape.length != 3 || shape[1] != rows || image < 0 || image >= shape[0]) {
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, decoder + " decoder for " + classCount
                    + " classes expects output [B, " + rows + ", N] and image < B, got " + Arrays.toString(shape)
                    + " and image " + image);
        }
        int anchors = (int) shape[2];
        return new AnchorRows(out.data(), Math.multiplyExact(image, Math.multiplyExact(rows, anchors)), anchors);
    }

    /** Value of row {@code row} for anchor {@code anchor}. */
    float get(int row, int anchor) {
        return data.get(base + row * anchors + anchor);
    }
}
