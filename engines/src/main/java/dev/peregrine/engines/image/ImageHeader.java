package dev.peregrine.engines.image;

/**
 * What an encoded image's header says about it, read without decoding any pixel.
 *
 * @param format the container format: {@code jpeg}, {@code png}, {@code bmp} or {@code webp}
 * @param width  width in pixels as stored (before any EXIF rotation the decoder applies)
 * @param height height in pixels as stored
 */
public record ImageHeader(String format, int width, int height) {

    /** Number of pixels the decoded image will have. */
    public long pixels() {
        return (long) width * height;
    }
}
