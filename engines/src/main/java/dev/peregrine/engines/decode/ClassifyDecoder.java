package dev.peregrine.engines.decode;

import dev.peregrine.engines.Classification;
import dev.peregrine.engines.EngineOutputs;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Decoder of classification heads: {@code output0 [B, nc]} holds softmax probabilities (Ultralytics exports the
 * softmax); the result is the top {@code k} classes of one image. Not thread-safe (reuses a scratch array).
 */
public final class ClassifyDecoder {
    private final int classCount;
    private final float[] probs;

    /** A decoder for {@code classCount} classes. */
    public ClassifyDecoder(int classCount) {
        if (classCount < 1) {
            throw new IllegalArgumentException("classCount must be >= 1, got " + classCount);
        }
        this.classCount = classCount;
        this.probs = new float[classCount];
    }

    /**
     * The {@code k} most probable classes of image {@code image}.
     *
     * @throws PeregrineException ENGINE_FAILURE when the output is not {@code [B, nc]}
     */
    public Classification decode(EngineOutputs outputs, int image, int k) throws PeregrineException {
        EngineOutputs.OutputTensor out = outputs.get(0);
        long[] shape = out.shape();
        if (shape.length != 2 || shape[1] != classCount || image < 0 || image >= shape[0]) {
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "classification decoder for " + classCount
                    + " classes expects output [B, " + classCount + "] and image < B, got " + Arrays.toString(shape)
                    + " and image " + image);
        }
        FloatBuffer data = out.data();
        int base = image * classCount;
        for (int c = 0; c < classCount; c++) {
            probs[c] = data.get(base + c);
        }
        return Classification.top(probs, k);
    }
}
