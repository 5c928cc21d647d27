package dev.peregrine.engines.image;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;

/**
 * The model input tensor of one inference thread: {@code [maxBatch, 3, H, W]} float32, NCHW, RGB, values in 0..1,
 * in one block of native memory allocated once and owned by this object.
 *
 * <p>{@link #put} converts a letterboxed BGR uint8 image into one slot with OpenCV, straight into the slot's
 * memory: {@code split} separates the B, G, R planes into reusable uint8 scratch planes, then {@code convertTo}
 * with scale 1/255 writes each plane as float into a Mat header that wraps the slot's R, G or B plane. Nothing is
 * allocated per call but small Java wrapper objects. Of the variants measured (a 256-entry {@code LUT}, plain
 * Java loops; see {@code docs/benchmarks/images.md}) this is the fastest. It multiplies by 1/255 rather than
 * dividing, so a value may differ from Ultralytics' {@code float32(v) / 255} by one float ulp (6e-8).
 *
 * <p>Not thread-safe: the scratch planes are shared by all slots, so one thread fills a batch. {@link #close()}
 * frees the memory; the {@link FloatBuffer} from {@link #buffer()} must not be used afterwards.
 */
public final class InputBatch implements AutoCloseable {
    private static final double SCALE = 1.0 / 255.0;
    private final int maxBatch;
    private final int height;
    private final int width;
    private final FloatPointer memory;
    private final FloatBuffer buffer;
    /** Per slot, the float Mat headers over its R, G and B planes (in that order, the tensor's channel order). */
    private final Mat[][] slotPlanes;
    /** Uint8 scratch planes that {@code split} fills with B, G, R. */
    private final Mat[] bgrPlanes;
    private final MatVector bgrVector;
    private boolean closed;

    /**
     * Allocates the tensor memory for {@code maxBatch} images of {@code height x width}.
     *
     * @throws IllegalArgumentException when a dimension is not positive or the tensor exceeds 2^31 floats
     */
    public InputBatch(int maxBatch, int height, int width) {
        if (maxBatch <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("input batch dimensions must be positive: batch " + maxBatch
                    + ", " + height + "x" + width);
        }
        long floats = (long) maxBatch * 3 * height * width;
        if (floats > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("input batch of " + floats + " floats is larger than a FloatBuffer");
        }
        this.maxBatch = maxBatch;
        this.height = height;
        this.width = width;
        this.memory = new FloatPointer(floats);
        this.memory.fill(0);
        this.buffer = memory.asBuffer();
        long plane = (long) height * width;
        this.slotPlanes = new Mat[maxBatch][3];
        for (int s = 0; s < maxBatch; s++) {
            for (int c = 0; c < 3; c++) {
                slotPlanes[s][c] = new Mat(height, width, CV_32FC1, memory.getPointer((s * 3L + c) * plane));
            }
        }
        this.bgrPlanes = new Mat[3];
        for (int c = 0; c < 3; c++) {
            bgrPlanes[c] = new Mat(height, width, CV_8UC1);
        }
        this.bgrVector = new MatVector(bgrPlanes);
    }

    /**
     * Writes a prepared image (letterboxed or centre-cropped) into slot {@code slot}: BGR to RGB, HWC to CHW,
     * divided by 255.
     *
     * @throws IllegalArgumentException when the slot is out of range or the image has another size
     * @throws IllegalStateException    when this batch or the image is closed
     */
    public void put(int slot, ModelInputImage img) {
        checkOpen();
        if (slot < 0 || slot >= maxBatch) {
            throw new IllegalArgumentException("slot " + slot + " outside 0.." + (maxBatch - 1));
        }
        if (img.width() != width || img.height() != height) {
            throw new IllegalArgumentException("image is " + img.width() + "x" + img.height()
                    + " but the input batch is " + width + "x" + height);
        }
        opencv_core.split(img.mat(), bgrVector);
        Mat[] dst = slotPlanes[slot];
        // Tensor channel 0 is red, which split put in plane 2. convertTo keeps dst's memory: same size and type.
        bgrPlanes[2].convertTo(dst[0], CV_32F, SCALE, 0);
        bgrPlanes[1].convertTo(dst[1], CV_32F, SCALE, 0);
        bgrPlanes[0].convertTo(dst[2], CV_32F, SCALE, 0);
    }

    /**
     * The whole tensor as a native-order direct buffer, position 0, limit {@code maxBatch*3*H*W}. For a smaller
     * batch {@code n}, the first {@code n*3*H*W} floats are the tensor. Valid until {@link #close()}.
     */
    public FloatBuffer buffer() {
        checkOpen();
        return buffer.duplicate().clear();
    }

    /** Floats per image ({@code 3*H*W}). */
    public int floatsPerImage() {
        return 3 * height * width;
    }

    /** Number of slots. */
    public int maxBatch() {
        return maxBatch;
    }

    /** Input height in pixels. */
    public int height() {
        return height;
    }

    /** Input width in pixels. */
    public int width() {
        return width;
    }

    /** Frees the tensor memory and the scratch planes. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Mat[] planes : slotPlanes) {
            for (Mat m : planes) {
                m.close();
            }
        }
        bgrVector.close();
        for (Mat m : bgrPlanes) {
            m.close();
        }
        memory.close();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("input batch is closed");
        }
    }
}
