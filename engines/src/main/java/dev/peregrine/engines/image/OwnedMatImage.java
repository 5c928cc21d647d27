package dev.peregrine.engines.image;

import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The ownership half of a {@link ModelInputImage}: the BGR {@link Mat} at the model input size, freed once by
 * {@link #close()}, which may be called any number of times and from any thread (the batcher closes images on its own
 * thread). The size is kept on the Java side so that {@link #width()}, {@link #height()} and {@link #bytes()} stay
 * valid after the Mat is freed. Subclasses add how the original image maps into this one.
 */
abstract class OwnedMatImage implements ModelInputImage {
    private final Mat mat;
    private final int width;
    private final int height;
    private final String what;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param mat  the image, taken over
     * @param what what the image is, for the closed message (e.g. {@code "letterboxed image"})
     */
    OwnedMatImage(Mat mat, String what) {
        this.mat = mat;
        this.width = mat.cols();
        this.height = mat.rows();
        this.what = what;
    }

    /** The BGR image ({@link #height()} x {@link #width()}, CV_8UC3, continuous). Owned by this object. */
    @Override
    public final Mat mat() {
        if (closed.get()) {
            throw new IllegalStateException(what + " is closed");
        }
        return mat;
    }

    /** Input width in pixels. */
    @Override
    public final int width() {
        return width;
    }

    /** Input height in pixels. */
    @Override
    public final int height() {
        return height;
    }

    /** The native pixel bytes held: width x height x 3. */
    @Override
    public final long bytes() {
        return (long) width * height * 3;
    }

    /** True once {@link #close()} has run. */
    @Override
    public final boolean isClosed() {
        return closed.get();
    }

    /** Frees the Mat; later calls do nothing. */
    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            mat.close();
        }
    }
}
