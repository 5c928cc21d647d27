package dev.peregrine.engines.decode;

import dev.peregrine.engines.EngineOutputs;
import java.nio.FloatBuffer;
import java.util.List;

/** Builds {@link EngineOutputs} from plain arrays for decoder tests. */
final class DecodeTestData {
    private DecodeTestData() {
    }

    static EngineOutputs outputs(float[] data, long... shape) {
        return new EngineOutputs(List.of(new EngineOutputs.OutputTensor("output0", shape, FloatBuffer.wrap(data))));
    }

    /**
     * An anchor-free output {@code [1, 4+nc, N]} from per-anchor rows {@code {cx, cy, w, h, s0..s(nc-1)}}.
     */
    static EngineOutputs anchorFree(int nc, float[]... anchors) {
        int rows = 4 + nc;
        int n = anchors.length;
        float[] data = new float[rows * n];
        for (int a = 0; a < n; a++) {
            if (anchors[a].length != rows) {
                throw new IllegalArgumentException("anchor " + a + " needs " + rows + " values");
            }
            for (int r = 0; r < rows; r++) {
                data[r * n + a] = anchors[a][r];
            }
        }
        return outputs(data, 1, rows, n);
    }

    /** An anchor-free anchor row for a box given as xyxy. */
    static float[] box(float x1, float y1, float x2, float y2, float... scores) {
        float[] row = new float[4 + scores.length];
        row[0] = (x1 + x2) / 2;
        row[1] = (y1 + y2) / 2;
        row[2] = x2 - x1;
        row[3] = y2 - y1;
        System.arraycopy(scores, 0, row, 4, scores.length);
        return row;
    }
}
