package dev.peregrine.testing;

import dev.peregrine.engines.PreparedImage;

/**
 * A prepared image that holds no pixels and no native memory, for fake detectors in tests that only need its size.
 *
 * @param originalWidth  width reported as the original image's
 * @param originalHeight height reported as the original image's
 * @param bytes          bytes reported against queue budgets
 */
public record StubPreparedImage(int originalWidth, int originalHeight, long bytes) implements PreparedImage {
    @Override
    public void close() {
        // nothing held
    }
}
