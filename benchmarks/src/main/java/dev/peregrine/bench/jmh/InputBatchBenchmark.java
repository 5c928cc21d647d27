package dev.peregrine.bench.jmh;

import dev.peregrine.engines.image.InputBatch;
import dev.peregrine.engines.image.LetterboxedImage;
import java.nio.FloatBuffer;
import java.util.concurrent.TimeUnit;
import org.bytedeco.opencv.opencv_core.Mat;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Filling the model's input tensor: {@link InputBatch#put} of a letterboxed image into every slot of a batch
 * (BGR to RGB, HWC to CHW, /255, straight into the reusable native buffer).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InputBatchBenchmark {
    /** Square model input size. */
    @Param({"320", "640"})
    public int imgsz;

    /** Images per batch. */
    @Param({"1", "4", "8"})
    public int batch;

    /** Image file; a synthetic 640x480 image when it does not exist. */
    @Param({JmhInputs.DEFAULT_IMAGE})
    public String image;

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
