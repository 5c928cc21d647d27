package dev.peregrine.server.model;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.PreparedImage;

/**
 * One queued detection request: a prepared image (native memory, owned by the batcher once accepted) and the
 * post-processing options it asked for.
 */
record DetectItem(PreparedImage image, DetectOptions options) {

    /** The batcher's release hook: frees the image's native memory. */
    void release() {
        image.close();
    }
}
