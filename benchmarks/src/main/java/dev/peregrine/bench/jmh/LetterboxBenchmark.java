package dev.peregrine.bench.jmh;

import dev.peregrine.engines.image.LetterboxedImage;
import org.bytedeco.opencv.opencv_core.Mat;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/** Letterboxing one decoded image to the model input (resize keeping the ratio, pad 114): {@link LetterboxedImage#of}. */
public class LetterboxBenchmark extends ImageBenchmark {
    /** Square model input size. */
    @Param({"320", "640"})
    public int imgsz;

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
