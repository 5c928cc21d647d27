package dev.peregrine.bench.jmh;

import dev.peregrine.engines.Engine;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.Engines;
import dev.peregrine.engines.image.InputBatch;
import dev.peregrine.engines.image.LetterboxedImage;
import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A benchmark that runs a real model: the model and format parameters, the engine (opened by the subclass's setup
 * with {@link #openEngine}, closed here after the trial), and an input batch filled with the letterboxed test image.
 */
public abstract class ModelBenchmark extends ImageBenchmark {
    /** Format id, as {@code peregrine bench --formats}. */
    @Param({"onnx-fp32"})
    public String format;

    /**
     * Model file ({@code .pt} or {@code .onnx}), relative to the working directory; a {@code .pt} is exported with a
     * dynamic batch (and in the format's precision) first.
     */
    @Param({JmhInputs.DEFAULT_MODEL})
    public String model;

    /** The engine of {@code model} in {@code format}, once {@link #openEngine} ran. */
    protected Engine engine;

    /** Opens {@code model} in {@code format} as {@link #engine}, for up to {@code maxBatch} images per run. */
    protected void openEngine(int maxBatch) throws Exception {
        Path file = JmhInputs.model(model, format, maxBatch, image);
        engine = Engines.open(new EngineConfig(file, JmhInputs.device(format), maxBatch, null));
    }

    /** A batch of {@code n} images at the engine's input size, each slot the letterboxed test image. */
    protected InputBatch filledBatch(int n) throws Exception {
        int w = engine.info().inputWidth();
        int h = engine.info().inputHeight();
        InputBatch input = new InputBatch(n, h, w);
        try (Mat bgr = JmhInputs.image(image); LetterboxedImage img = LetterboxedImage.of(bgr, w, h)) {
            for (int slot = 0; slot < n; slot++) {
                input.put(slot, img);
            }
            return input;
        } catch (Exception | Error e) {
            input.close();
            throw e;
        }
    }

    /** Frees the engine (and with it any outputs it returned). */
    @TearDown
    public void closeEngine() {
        if (engine != null) {
            engine.close();
        }
    }
}
