package dev.peregrine.engines;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * Output tensors of one {@link Engine#run}. Owned by the engine and valid until its next run.
 *
 * @param tensors outputs in model order
 */
public record EngineOutputs(List<OutputTensor> tensors) {

    /** One output tensor: name, actual shape of this run, and float32 data (row-major, positioned at 0). */
    public record OutputTensor(String name, long[] shape, FloatBuffer data) {
    }

    /** Output {@code i} in model order. */
    public OutputTensor get(int i) {
        return tensors.get(i);
    }

    /** Number of outputs. */
    public int size() {
        return tensors.size();
    }
}
