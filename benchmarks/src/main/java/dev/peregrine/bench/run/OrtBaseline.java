package dev.peregrine.bench.run;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.peregrine.bench.report.Stage;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ceiling Peregrine's pipeline is held against: ONNX Runtime's Java {@code session.run} on an input tensor
 * made once beforehand, with the same threads and optimisation level as Peregrine's engine and nothing else
 * (no image decoding, no pre-processing, ONNX Runtime allocating the outputs as a plain caller would).
 * Owns the session and the input tensors; {@link #close()} frees them.
 */
public final class OrtBaseline implements AutoCloseable {
    /** Variant name for reports. */
    public static final String VARIANT = "OrtSession.run (Java API)";

    private final OrtEnvironment env;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final String inputName;
    private final List<OnnxTensor> tensors = new ArrayList<>();
    private boolean closed;

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
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "ONNX Runtime cannot load " + onnx + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * {@code session.run} on a {@code [batch, 3, height, width]} tensor of mid-grey, made now, as a subject.
     *
     * @throws PeregrineException ENGINE_FAILURE when the tensor cannot be created
     */
    public Subject subject(int batch, int height, int width) throws PeregrineException {
        long n = (long) batch * 3 * height * width;
        FloatBuffer data = ByteBuffer.allocateDirect((int) (n * 4)).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < n; i++) {
            data.put(i, 114f / 255f);
        }
        OnnxTensor input;
        try {
            input = OnnxTensor.createTensor(env, data, new long[] {batch, 3, height, width});
        } catch (OrtException e) {
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "cannot create the input tensor: "
                    + e.getMessage(), e);
        }
        tensors.add(input);
        Map<String, OnnxTensor> feeds = Map.of(inputName, input);
        return new Subject("onnxruntime", VARIANT, Stage.MODEL_RUN, batch, measured -> {
            try (OrtSession.Result ignored = session.run(feeds)) {
                return batch;
            }
        });
    }

    /** Frees the tensors and the session. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        tensors.forEach(OnnxTensor::close);
        try {
            session.close();
        } catch (OrtException e) {
            // only thrown for a session closed twice, which the flag prevents
        } finally {
            options.close();
        }
    }
}
