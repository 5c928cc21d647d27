package dev.peregrine.server.http;

import dev.peregrine.engines.PreparedImage;

/**
 * A {@link PreparedImage} that remembers when the batch it ran in started and ended, so that a response can split
 * its time into queueing and inference. {@link TimedDetector} creates and stamps it; everything else sees a plain
 * prepared image.
 */
final class TimedImage implements PreparedImage {
    private final PreparedImage delegate;
    private volatile long batchStartNanos;
    private volatile long batchEndNanos;
    private volatile int batchSize;

    TimedImage(PreparedImage delegate) {
        this.delegate = delegate;
    }

    /** The image the wrapped detector prepared. */
    PreparedImage delegate() {
        return delegate;
    }

    void stamp(long startNanos, long endNanos, int size) {
        batchStartNanos = startNanos;
        batchSize = size;
        batchEndNanos = endNanos; // written last: a non-zero end means the other fields are set (volatile order)
    }

    /** True once the image's batch has run. */
    boolean stamped() {
        return batchEndNanos != 0;
    }

    long batchStartNanos() {
        return batchStartNanos;
    }

    long batchEndNanos() {
        return batchEndNanos;
    }

    /** Number of images in the batch this image ran in. */
    int batchSize() {
        return batchSize;
    }

    @Override
    public int originalWidth() {
        return delegate.originalWidth();
    }

    @Override
    public int originalHeight() {
        return delegate.originalHeight();
    }

    @Override
    public long bytes() {
        return delegate.bytes();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
