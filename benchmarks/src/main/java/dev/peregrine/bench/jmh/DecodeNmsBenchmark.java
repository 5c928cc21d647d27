package dev.peregrine.bench.jmh;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Device;
import dev.peregrine.engines.Engine;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.EngineOutputs;
import dev.peregrine.engines.Engines;
import dev.peregrine.engines.decode.HeadDecoder;
import dev.peregrine.engines.decode.HeadDecoders;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Output decoding and NMS of a whole batch ({@link HeadDecoder#decode} per image) on real model outputs, computed
 * once in the setup. {@code conf} 0.25 is Ultralytics' predict setting, 0.001 its validation setting, where
 * thousands of candidates reach NMS.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecodeNmsBenchmark {
    /** Format id of the model whose outputs are decoded. */
    @Param({"onnx-fp32"})
    public String format;

    /** Images per batch. */
    @Param({"1", "8"})
    public int batch;

    /** Score threshold. */
    @Param({"0.25", "0.001"})
    public float conf;

    /** Model file ({@code .pt} or {@code .onnx}). */
    @Param({JmhInputs.DEFAULT_MODEL})
    public String model;

    /** Image file; a synthetic image when it does not exist. */
    @Param({JmhInputs.DEFAULT_IMAGE})
    public String image;

    private Engine engine;
    private EngineOutputs outputs;
    private HeadDecoder decoder;
    private DetectOptions options;

    /** Runs the model once on a batch of the image and keeps its outputs. */
    @Setup
    public void setUp() throws Exception {
        Path file = JmhInputs.model(model, format, batch, image);
        Device device = format.startsWith("trt") ? new Device(Device.Kind.CUDA, 0) : Device.CPU;
        engine = Engines.open(new EngineConfig(file, device, batch, null));
        int n = Math.min(batch, engine.maxBatch());
        int w = engine.info().inputWidth();
        int h = engine.info().inputHeight();
        try (InputBatch input = new InputBatch(n, h, w); Mat bgr = JmhInputs.image(image);
             LetterboxedImage img = LetterboxedImage.of(bgr, w, h)) {
            for (int slot = 0; slot < n; slot++) {
                input.put(slot, img);
            }
            outputs = engine.run(input.buffer(), n); // valid until the engine's next run: there is none
        }
        batch = n;
        decoder = HeadDecoders.forModel(engine.info());
        options = DetectOptions.defaults().withConf(conf);
    }

    /** Decodes every image of the batch. */
    @Benchmark
    public void decode(Blackhole bh) throws Exception {
        for (int i = 0; i < batch; i++) {
            bh.consume(decoder.decode(outputs, i, options));
        }
    }

    /** Frees the engine (and with it the outputs). */
    @TearDown
    public void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }
}
