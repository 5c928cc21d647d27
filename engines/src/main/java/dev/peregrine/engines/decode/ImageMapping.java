package dev.peregrine.engines.decode;

/**
 * How model-input (letterboxed) pixels map to the original image for points and masks, Ultralytics'
 * {@code scale_coords}: {@code x = (x_in - padX) / gain}, {@code y = (y_in - padY) / gain}, with the padding
 * computed from the unrounded scaled size ({@code (W - w0 * gain) / 2}), then clipped to the image. (Boxes use
 * {@code scale_boxes}, whose padding is rounded; the two differ by at most half an input pixel.)
 *
 * @param gain        input pixels per original pixel
 * @param padX        left padding in input pixels (unrounded)
 * @param padY        top padding in input pixels (unrounded)
 * @param imageWidth  original image width
 * @param imageHeight original image height
 */
public record ImageMapping(float gain, float padX, float padY, int imageWidth, int imageHeight) {

    /** Validates the gain and image size. */
    public ImageMapping {
        if (!(gain > 0) || imageWidth < 1 || imageHeight < 1) {
            throw new IllegalArgumentException("mapping needs a positive gain and image size, got gain " + gain
                    + " and " + imageWidth + "x" + imageHeight);
        }
    }

    /** The mapping of Ultralytics' letterbox of a {@code imageWidth x imageHeight} image into {@code inputW x inputH}. */
    public static ImageMapping letterbox(int inputWidth, int inputHeight, int imageWidth, int imageHeight) {
        double gain = Math.min((double) inputHeight / imageHeight, (double) inputWidth / imageWidth);
        return new ImageMapping((float) gain, (float) ((inputWidth - imageWidth * gain) / 2),
                (float) ((inputHeight - imageHeight * gain) / 2), imageWidth, imageHeight);
    }

    /** An input x in original-image pixels, clipped to {@code [0, imageWidth]}. */
    public float x(float inputX) {
        return Math.max(0f, Math.min((inputX - padX) / gain, imageWidth));
    }

    /** An input y in original-image pixels, clipped to {@code [0, imageHeight]}. */
    public float y(float inputY) {
        return Math.max(0f, Math.min((inputY - padY) / gain, imageHeight));
    }

    /** An original-image x in input pixels (not clipped). */
    public float inputX(float imageX) {
        return imageX * gain + padX;
    }

    /** An original-image y in input pixels (not clipped). */
    public float inputY(float imageY) {
        return imageY * gain + padY;
    }
}
