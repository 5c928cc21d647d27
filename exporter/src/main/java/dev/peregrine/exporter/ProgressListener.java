package dev.peregrine.exporter;

/**
 * Receives progress of an export, for a command line or a server log. Called on the exporting thread; implementations
 * should return quickly.
 */
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = new ProgressListener() {
        @Override
        public void stage(String description) {
        }
    };

    /** A new stage began ({@code reading checkpoint}, {@code building graph}, {@code writing ONNX}...). */
    void stage(String description);

    /** Layer {@code index} (0-based) of {@code count}, of module type {@code type}, is being emitted. */
    default void layer(int index, int count, String type) {
    }
}
