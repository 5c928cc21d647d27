package dev.peregrine.bench.jmh;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.EngineOutputs;
import dev.peregrine.engines.decode.HeadDecoder;
import dev.peregrine.engines.decode.HeadDecoders;
import dev.peregrine.engines.image.InputBatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Output decoding and NMS of a whole batch ({@link HeadDecoder#decode} per image) on real model outputs, computed
 * once in the setup. {@code conf} 0.25 is Ultralytics' predict setting, 0.001 its validation setting, where
 * thousands of candidates reach NMS.
 */
public class DecodeNmsBenchmark extends ModelBenchmark {
    /** Images per batch. */
    @Param({"1", "8"})
    public int batch;

    /** Score threshold. */
    @Param({"0.25", "0.001"})
    public float conf;

    private EngineOutputs outputs;
    private HeadDecoder decoder;
    private DetectOptions options;

    /** Runs the model once on a batch of the image and keeps its outputs. */
    @Setup
    public void setUp() throws Exception {
        openEngine(batch);
        int n = Math.min(batch, engine.maxBatch());
        try (InputBatch input = filledBatch(n)) {
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
}
