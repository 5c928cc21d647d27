package dev.peregrine.bench.jmh;

import dev.peregrine.engines.image.LetterboxedImage;
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

/** Letterboxing one decoded image to the model input (resize keeping the ratio, pad 114): {@link LetterboxedImage#of}. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LetterboxBenchmark {
    /** Square model input size. */
    @Param({"320", "640"})
    public int imgsz;

    /** Image file; a synthetic 640x480 image when it does not exist. */
    @Param({JmhInputs.DEFAULT_IMAGE})
    public String image;

    private Mat bgr;

    /** Decodes the image once. */
    @Setup
    public void setUp() throws Exception {
        bgr = JmhInputs.image(image);
    }

    /** One letterbox, closed again so that native memory does not pile up. */
    @Benchmark
    public int letterbox() {
        try (LetterboxedImage img = LetterboxedImage.of(bgr, imgsz, imgsz)) {
            return img.geometry().padLeft();
        }
    }

    /** Frees the image. */
    @TearDown
    public void tearDown() {
        bgr.close();
    }
}
