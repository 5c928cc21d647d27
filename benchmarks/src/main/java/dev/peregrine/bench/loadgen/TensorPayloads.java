package dev.peregrine.bench.loadgen;

import dev.peregrine.bench.run.EncodedImage;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.image.ImageDecoder;
import dev.peregrine.engines.image.InputBatch;
import dev.peregrine.engines.image.LetterboxedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Builds the request tensors of the tensor protocols from the load generator's images, once before the steps: each
 * image decoded and letterboxed to the model input as the server's detect route does it, then RGB, CHW, scaled to
 * 0..1 ({@link InputBatch}), {@code batch} consecutive images per request, little-endian FP32 as the Open Inference
 * Protocol's binary data carries it. Requests cycle through the images; how many distinct ones are built is capped
 * by a byte budget, since a 640x640 image is 4.9 MB as a tensor and a folder may hold a thousand.
 */
final class TensorPayloads {
    /** Default byte budget of all prepared tensors. */
    static final long DEFAULT_BUDGET = 128L << 20;

    private TensorPayloads() {
    }

    /**
     * How many distinct requests to prepare: enough to send every image once, at least one, at most what fits in
     * {@code budget}.
     */
    static int count(int images, TensorInput input, long budget) {
        int all = (images + input.batch() - 1) / input.batch();
        long fit = Math.max(1, budget / input.bytes());
        return (int) Math.max(1, Math.min(all, fit));
    }

    /**
     * The request tensors, each {@code input.bytes()} long; request {@code r} holds images {@code r*batch ..
     * r*batch+batch-1}, modulo the number of images.
     *
     * @throws PeregrineException BAD_INPUT naming an image that does not decode
     */
    static List<byte[]> build(List<EncodedImage> images, TensorInput input, long budget) throws PeregrineException {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images");
        }
        int requests = count(images.size(), input, budget);
        List<byte[]> out = new ArrayList<>(requests);
        try (InputBatch batch = new InputBatch(input.batch(), input.height(), input.width())) {
            int next = 0;
            for (int r = 0; r < requests; r++) {
                for (int slot = 0; slot < input.batch(); slot++) {
                    EncodedImage image = images.get(next++ % images.size());
                    try (Mat bgr = decode(image);
                         LetterboxedImage boxed = LetterboxedImage.of(bgr, input.width(), input.height())) {
                        batch.put(slot, boxed);
                    }
                }
                out.add(littleEndian(batch.buffer()));
            }
        }
        return out;
    }

    private static Mat decode(EncodedImage image) throws PeregrineException {
        try {
            return ImageDecoder.decode(image.bytes(), ImageDecoder.DEFAULT_MAX_PIXELS);
        } catch (PeregrineException e) {
            throw PeregrineException.badInput(image.name() + ": " + e.getMessage());
        }
    }

    private static byte[] littleEndian(FloatBuffer tensor) {
        byte[] bytes = new byte[tensor.remaining() * Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(tensor);
        return bytes;
    }
}
