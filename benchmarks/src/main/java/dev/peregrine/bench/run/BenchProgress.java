package dev.peregrine.bench.run;

/**
 * Receives progress of a benchmark run, for a command line. Called on the measuring thread; implementations must
 * return quickly (they throttle their own output).
 */
public interface BenchProgress {
    /** Ignores everything. */
    BenchProgress NONE = new BenchProgress() {
        @Override
        public void stage(String text) {
        }

        @Override
        public void measuring(String label, boolean warmUp, double elapsedSeconds, double totalSeconds,
                long images) {
        }

        @Override
        public void result(String line) {
        }
    };

    /** A new step began (exporting, loading, a format's warm-up...). */
    void stage(String text);

    /**
     * A timed loop advanced.
     *
     * @param label          what is measured ({@code onnx-fp32 batch 4})
     * @param warmUp         true during the warm-up
     * @param elapsedSeconds time spent in this phase so far
     * @param totalSeconds   planned length of this phase, 0 when open-ended
     * @param images         images processed in this phase so far
     */
    void measuring(String label, boolean warmUp, double elapsedSeconds, double totalSeconds, long images);

    /** A measurement finished; {@code line} summarises it. */
    void result(String line);
}
