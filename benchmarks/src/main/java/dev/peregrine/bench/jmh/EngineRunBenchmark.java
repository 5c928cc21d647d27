package dev.peregrine.bench.jmh;

import dev.peregrine.engines.Engine;
import dev.peregrine.engines.EngineOutputs;
import dev.peregrine.engines.image.InputBatch;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One {@link Engine#run} of a full batch on a filled input tensor, per format and batch size. The model is the
 * {@code model} parameter; a {@code .pt} is exported with a dynamic batch (and in the format's precision) first.
 * A format this build or machine cannot produce fails its setup with the reason.
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class EngineRunBenchmark extends ModelBenchmark {
    /** Images per run. */
    @Param({"1", "4", "8"})
    public int batch;

    private InputBatch input;

    /** Prepares the model, opens the engine and fills every slot with the letterboxed image. */
    @Setup
    public void setUp() throws Exception {
        openEngine(batch);
        if (engine.maxBatch() < batch) {
            closeEngine(); // not left to the tear-down: a failed setup may not reach it
            throw new IllegalStateException(Path.of(model).getFileName() + " has a fixed batch of " + engine.maxBatch()
                    + "; use a .pt (exported with a dynamic batch) for batch " + batch);
        }
        input = filledBatch(batch);
        engine.run(input.buffer(), batch);
    }

    /** One inference of {@code batch} images. */
    @Benchmark
    public EngineOutputs run() throws Exception {
        return engine.run(input.buffer(), batch);
    }

    /** Frees the tensor (the engine: {@link ModelBenchmark#closeEngine}). */
    @TearDown
    public void tearDown() {
        if (input != null) {
            input.close();
        }
    }
}
