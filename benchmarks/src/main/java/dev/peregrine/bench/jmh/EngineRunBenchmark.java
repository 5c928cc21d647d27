package dev.peregrine.bench.jmh;

import dev.peregrine.engines.Device;
import dev.peregrine.engines.Engine;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.EngineOutputs;
import dev.peregrine.engines.Engines;
import dev.peregrine.engines.image.InputBatch;
import dev.peregrine.engines.image.LetterboxedImage;
import java.nio.file.Path;
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
 * One {@link Engine#run} of a full batch on a filled input tensor, per format and batch size. The model is the
 * {@code model} parameter; a {@code .pt} is exported with a dynamic batch (and in the format's precision) first.
 * A format this build or machine cannot produce fails its setup with the reason.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EngineRunBenchmark {
    /** Format id, as {@code peregrine bench --formats}. */
    @Param({"onnx-fp32"})
    public String format;

    /** Images per run. */
    @Param({"1", "4", "8"})
    public int batch;

    /** Model file ({@code .pt} or {@code .onnx}), relative to the working directory. */
    @Param({JmhInputs.DEFAULT_MODEL})
    public String model;

    /** Image file; a synthetic image when it does not exist. */
    @Param({JmhInputs.DEFAULT_IMAGE})
    public String image;

    private Engine engine;
    private InputBatch input;

    /** Prepares the model, opens the engine and fills every slot with the letterboxed image. */
    @Setup
    public void setUp() throws Exception {
        Path file = JmhInputs.model(model, format, batch, image);
        Device device = format.startsWith("trt") ? new Device(Device.Kind.CUDA, 0) : Device.CPU;
        engine = Engines.open(new EngineConfig(file, device, batch, null));
        if (engine.maxBatch() < batch) {
            engine.close();
            throw new IllegalStateException(file.getFileName() + " has a fixed batch of " + engine.maxBatch()
                    + "; use a .pt (exported with a dynamic batch) for batch " + batch);
        }
        int w = engine.info().inputWidth();
        int h = engine.info().inputHeight();
        input = new InputBatch(batch, h, w);
        try (Mat bgr = JmhInputs.image(image); LetterboxedImage img = LetterboxedImage.of(bgr, w, h)) {
            for (int slot = 0; slot < batch; slot++) {
                input.put(slot, img);
            }
        }
        engine.run(input.buffer(), batch);
    }

    /** One inference of {@code batch} images. */
    @Benchmark
    public EngineOutputs run() throws Exception {
        return engine.run(input.buffer(), batch);
    }

    /** Frees the engine and the tensor. */
    @TearDown
    public void tearDown() {
        if (input != null) {
            input.close();
        }
        if (engine != null) {
            engine.close();
        }
    }
}
