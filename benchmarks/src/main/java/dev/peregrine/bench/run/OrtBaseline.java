package dev.peregrine.bench.run;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.peregrine.bench.report.ComparisonRow;
import dev.peregrine.bench.report.RowStatus;
import dev.peregrine.bench.report.Stage;
import dev.peregrine.engines.PeregrineException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The ceiling Peregrine's pipeline is held against: ONNX Runtime's Java {@code session.run} on an input tensor
 * made once beforehand, with the same threads and optimisation level as Peregrine's engine and nothing else
 * (no image decoding, no pre-processing, ONNX Runtime allocating the outputs as a plain caller would).
 */
public final class OrtBaseline implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final String inputName;

    /**
     * Opens a plain CPU session of {@code onnx}.
     *
     * @param threads intra-op threads (Peregrine's default: one per available core)
     * @throws PeregrineException ENGINE_FAILURE when ONNX Runtime cannot load the model
     */
    public OrtBaseline(Path onnx, int threads) throws PeregrineException {
        this.env = OrtEnvironment.getEnvironment();
        this.options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(threads);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            this.session = env.createSession(onnx.toString(), options);
            this.inputName = session.getInputNames().iterator().next();
        } catch (OrtException e) {
            options.close();
            throw new PeregrineException(dev.peregrine.engines.ErrorCode.ENGINE_FAILURE,
                    "ONNX Runtime cannot load " + onnx + ": " + e.getMessage(), e);
        }
    }

    /**
     * Measures {@code session.run} on a {@code [batch, 3, height, width]} tensor filled with mid-grey.
     */
    public ComparisonRow measure(int batch, int height, int width, Duration warmUp, Duration duration,
            BenchProgress progress) throws Exception {
        long n = (long) batch * 3 * height * width;
        FloatBuffer data = ByteBuffer.allocateDirect((int) (n * 4)).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < n; i++) {
            data.put(i, 114f / 255f);
        }
        try (OnnxTensor input = OnnxTensor.createTensor(env, data, new long[] {batch, 3, height, width})) {
            Map<String, OnnxTensor> feeds = Map.of(inputName, input);
            TimedLoop.Result r = TimedLoop.run("onnxruntime session.run batch " + batch, warmUp, duration,
                    measured -> {
                        try (OrtSession.Result ignored = session.run(feeds)) {
                            return batch;
                        }
                    }, progress);
            progress.result(String.format(Locale.ROOT, "onnxruntime session.run    batch %-3d %8.1f images/s  "
                    + "p50 %7.2f ms", batch, r.imagesPerSecond(), r.latency().p50Ms()));
            return new ComparisonRow("onnxruntime", "OrtSession.run (Java API)", Stage.MODEL_RUN, batch,
                    RowStatus.OK, "", r.imagesPerSecond(), r.latency());
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // closing a session only fails when it is already closed
        } finally {
            options.close();
        }
    }
}
