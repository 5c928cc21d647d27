package dev.peregrine.bench.jmh;

import dev.peregrine.engines.image.InputBatch;
import dev.peregrine.engines.image.LetterboxedImage;
import java.nio.FloatBuffer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Filling the model's input tensor: {@link InputBatch#put} of a letterboxed image into every slot of a batch
 * (BGR to RGB, HWC to CHW, /255, straight into the reusable native buffer).
 */
public class InputBatchBenchmark extends ImageBenchmark {
    /** Square model input size. */
    @Param({"320", "640"})
    public int imgsz;

    /** Images per batch. */
    @Param({"1", "4", "8"})
    public int batch;

    private LetterboxedImage letterboxed;
    private InputBatch input;

    /** Letterboxes the image and allocates the batch once. */
    @Setup
    public void setUp() throws Exception {
        try (Mat bgr = JmhInputs.image(image)) {
            letterboxed = LetterboxedImage.of(bgr, imgsz, imgsz);
        }
        input = new InputBatch(batch, imgsz, imgsz);
    }

    /** Puts the image into every slot of the batch. */
    @Benchmark
    public FloatBuffer put() {
        for (int slot = 0; slot < batch; slot++) {
            input.put(slot, letterboxed);
        }
        return input.buffer();
    }

    /** Frees the native memory. */
    @TearDown
    public void tearDown() {
        input.close();
        letterboxed.close();
    }
}
