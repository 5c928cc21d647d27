package dev.peregrine.bench.run;

import dev.peregrine.bench.BenchFormat;
import java.nio.file.Path;

/**
 * The model file of one format, or why there is none.
 *
 * @param format     the format
 * @param file       the model file, null when unavailable
 * @param skipReason why the format cannot be run here, null when {@code file} is set
 */
public record Artifact(BenchFormat format, Path file, String skipReason) {

    /** A format that has a file. */
    public static Artifact of(BenchFormat format, Path file) {
        return new Artifact(format, file, null);
    }

    /** A format that cannot be run, and why. */
    public static Artifact skipped(BenchFormat format, String reason) {
        return new Artifact(format, null, reason);
    }

    /** True when the format has a file to run. */
    public boolean available() {
        return file != null;
    }
}
