package dev.peregrine.exporter;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs an ONNX file once with ONNX Runtime (CPU) on one float input named {@code images}. Test helper. */
final class OrtRun {
    /** One float output. */
    record Output(long[] shape, float[] data) {
        int dim(int i) {
            return (int) shape[i];
        }
    }

    private OrtRun() {
    }

    /** Runs {@code model} on {@code input} of {@code shape}; outputs by name, in model order. */
    static Map<String, Output> run(Path model, float[] input, long... shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(2);
            try (OrtSession s = env.createSession(model.toString(), opts);
                    OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
                    OrtSession.Result r = s.run(Map.of("images", t))) {
                Map<String, Output> out = new LinkedHashMap<>();
                for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : r) {
                    OnnxTensor o = (OnnxTensor) e.getValue();
                    float[] data = new float[(int) o.getInfo().getNumElements()];
                    o.getFloatBuffer().get(data);
                    out.put(e.getKey(), new Output(o.getInfo().getShape(), data));
                }
                return out;
            }
        }
    }

    /** {@code n} copies of a batch-1 input one after the other (a batch of identical images). */
    static float[] repeat(float[] one, int n) {
        float[] out = new float[one.length * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(one, 0, out, i * one.length, one.length);
        }
        return out;
    }

    /** A deterministic pseudo-random image in [0, 1), {@code [1, 3, h, w]}. */
    static float[] randomImage(long seed, int h, int w) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] out = new float[3 * h * w];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) r.nextDouble();
        }
        return out;
    }
}
