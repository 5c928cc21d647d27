package dev.peregrine.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What every Peregrine JMH benchmark shares: the run settings (average time in microseconds, 3 x 2 s warm-up,
 * 5 x 2 s measurement, one fork, state per thread; JMH applies a superclass's annotations to its subclasses, and a
 * subclass's own annotation wins) and the test image.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public abstract class ImageBenchmark {
    /** Image file; a synthetic 640x480 image when it does not exist ({@link JmhInputs#image}). */
    @Param({JmhInputs.DEFAULT_IMAGE})
    public String image;
}
