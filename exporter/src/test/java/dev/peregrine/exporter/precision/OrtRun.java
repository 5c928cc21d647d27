package dev.peregrine.exporter.precision;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.peregrine.engines.image.ImageDecoder;
import dev.peregrine.engines.image.InputBatch;
import dev.peregrine.engines.image.LetterboxedImage;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;

/** Test helper: runs a model with ONNX Runtime on CPU and returns its first output as floats. */
final class OrtRun {
    private OrtRun() {
    }

    static float[] output0(ModelProto model, float[] input, long[] shape) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
             OrtSession s = env.createSession(model.toByteArray(), o);
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
             OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), in))) {
            FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return out;
        }
    }

    /** An image file letterboxed to {@code size} x {@code size}, as the NCHW RGB 0..1 floats a model reads. */
    static float[] letterboxed(Path image, int size) throws Exception {
        try (Mat bgr = ImageDecoder.decode(Files.readAllBytes(image), ImageDecoder.DEFAULT_MAX_PIXELS);
             LetterboxedImage lb = LetterboxedImage.of(bgr, size, size);
             InputBatch batch = new InputBatch(1, size, size)) {
            batch.put(0, lb);
            FloatBuffer b = batch.buffer();
            float[] out = new float[3 * size * size];
            b.get(out);
            return out;
        }
    }
}
