package dev.peregrine.engines.eval;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.image.ImageDecoder;
import dev.peregrine.engines.image.ImageHeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads an image's width and height from its file header, without decoding pixels. */
@FunctionalInterface
public interface ImageSizeReader {

    /**
     * The size of {@code image}.
     *
     * @return {@code {width, height}}
     * @throws PeregrineException BAD_INPUT for an unreadable or unknown image
     */
    int[] size(Path image) throws PeregrineException;

    /**
     * Sizes from {@link ImageDecoder#probe} (JPEG, PNG, BMP, WebP), as stored: an EXIF rotation is not applied,
     * whereas Ultralytics' {@code exif_size} swaps width and height for rotated JPEGs.
     */
    static ImageSizeReader headers() {
        return image -> {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(image);
            } catch (IOException e) {
                throw new PeregrineException(ErrorCode.BAD_INPUT, "cannot read " + image + ": " + e.getMessage(), e);
            }
            try {
                ImageHeader h = ImageDecoder.probe(bytes);
                return new int[] {h.width(), h.height()};
            } catch (PeregrineException e) {
                throw new PeregrineException(e.code(), image + ": " + e.getMessage(), e);
            }
        };
    }
}
