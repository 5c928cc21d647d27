package dev.peregrine.engines.image;

import dev.peregrine.engines.PreparedImage;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A prepared image already at the model input size: a BGR uint8 {@link Mat} that {@link InputBatch#put} converts
 * into a tensor slot. Letterboxed for detection heads ({@link LetterboxedImage}), resized and centre-cropped for
 * classifiers ({@link CenterCropImage}).
 */
public interface ModelInputImage extends PreparedImage {

    /** The BGR image ({@link #height()} x {@link #width()}, CV_8UC3), owned by this object. */
    Mat mat();

    /** Width in pixels (the model input width). */
    int width();

    /** Height in pixels (the model input height). */
    int height();

    /** True once {@link #close()} has run. */
    boolean isClosed();
}
