package dev.peregrine.server.http;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.TensorSpec;
import dev.peregrine.server.batch.Deadline;
import java.nio.FloatBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A tensor model over a tiny input {@code images [B, 3, 4, 4]} whose output {@code output0 [B, 2, 3]} is computed
 * from the input so tests can check the data travelled both ways: {@code out[b][c][i] = sum(in[b]) * (c + 1) + i}.
 */
final class FakeTensorModel implements TensorModel {
    static final int H = 4;
    static final int W = 4;
    static final int C_OUT = 2;
    static final int N_OUT = 3;

    @Override
    public TensorSpec input() {
        return new TensorSpec("images", "float", new long[] {-1, 3, H, W});
    }

    @Override
    public TensorSpec output() {
        return new TensorSpec("output0", "float", new long[] {-1, C_OUT, N_OUT});
    }

    @Override
    public CompletableFuture<RawOutput> infer(FloatBuffer nchw, int batch, Deadline deadline,
                                              Runnable imageReleased) {
        RawOutput out = compute(nchw, batch);
        for (int b = 0; b < batch; b++) {
            imageReleased.run();
        }
        return CompletableFuture.completedFuture(out);
    }

    /**
     * A model like this one that reads its input at once (releasing every image) but answers only when {@code gate}
     * completes: a call that is still running, for tests of admission and cancellation.
     */
    static TensorModel gated(CompletableFuture<Void> gate) {
        FakeTensorModel fake = new FakeTensorModel();
        return new TensorModel() {
            @Override
            public TensorSpec input() {
                return fake.input();
            }

            @Override
            public TensorSpec output() {
                return fake.output();
            }

            @Override
            public CompletableFuture<RawOutput> infer(FloatBuffer nchw, int batch, Deadline deadline,
                    Runnable imageReleased) {
                float[] values = expected(nchw, batch);
                for (int i = 0; i < batch; i++) {
                    imageReleased.run(); // the input was read (copied) above, as the batcher's copy does
                }
                return gate.thenApply(v -> FakeTensorModel.output(values, batch));
            }
        };
    }

    /** The output for {@code batch} images in {@code nchw}, in pooled memory the receiver releases. */
    static RawOutput compute(FloatBuffer nchw, int batch) {
        return output(expected(nchw, batch), batch);
    }

    /** {@code values} as the output of {@code batch} images, in pooled memory the receiver releases. */
    static RawOutput output(float[] values, int batch) {
        try {
            return new RawOutput("output0", new long[] {batch, C_OUT, N_OUT}, TensorBytes.of(values));
        } catch (PeregrineException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The expected output values for {@code batch} images in {@code nchw}. */
    static float[] expected(FloatBuffer nchw, int batch) {
        int per = 3 * H * W;
        float[] out = new float[batch * C_OUT * N_OUT];
        for (int b = 0; b < batch; b++) {
            float sum = 0;
            for (int i = 0; i < per; i++) {
                sum += nchw.get(b * per + i);
            }
            for (int c = 0; c < C_OUT; c++) {
                for (int i = 0; i < N_OUT; i++) {
                    out[(b * C_OUT + c) * N_OUT + i] = sum * (c + 1) + i;
                }
            }
        }
        return out;
    }
}
