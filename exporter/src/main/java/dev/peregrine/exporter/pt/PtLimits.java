package dev.peregrine.exporter.pt;

/**
 * Resource limits applied while reading a checkpoint, so that a hostile or broken file fails with a clear error
 * instead of exhausting memory or the stack. The defaults accept every released Ultralytics model with a wide margin.
 *
 * @param maxPickleBytes largest {@code data.pkl} (Ultralytics pickles are 40-200 KB)
 * @param maxRecordBytes largest single storage record
 * @param maxTotalBytes most bytes inflated from the archive in total
 * @param maxCompressionRatio largest uncompressed/compressed ratio of a compressed record of 1 MiB or more (torch
 *     stores records uncompressed; a higher ratio is a zip bomb)
 * @param maxNesting deepest nesting of containers and modules in the pickled object graph
 * @param maxModuleNodes most module nodes built (shared modules appear once per position)
 */
public record PtLimits(long maxPickleBytes, long maxRecordBytes, long maxTotalBytes, int maxCompressionRatio,
        int maxNesting, int maxModuleNodes) {

    /** The defaults: 32 MiB pickle, 2 GiB per record, 8 GiB total, ratio 200, nesting 400, 1 M module nodes. */
    public static final PtLimits DEFAULT = new PtLimits(32L << 20, Integer.MAX_VALUE - 8L, 8L << 30, 200, 400,
            1_000_000);

    /** Validates the limits. */
    public PtLimits {
        if (maxPickleBytes <= 0 || maxRecordBytes <= 0 || maxTotalBytes <= 0 || maxCompressionRatio <= 0
                || maxNesting <= 0 || maxModuleNodes <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (maxPickleBytes > Integer.MAX_VALUE - 8L || maxRecordBytes > Integer.MAX_VALUE - 8L) {
            throw new IllegalArgumentException("pickle and record limits must fit a Java array");
        }
    }
}
