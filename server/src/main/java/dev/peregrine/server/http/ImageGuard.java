package dev.peregrine.server.http;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.image.ImageDecoder;
import dev.peregrine.engines.image.ImageHeader;
import java.nio.ByteBuffer;

/**
 * Checks an encoded image's header before anything decodes it: the format must be known and the declared pixel
 * count within {@code --max-pixels}, so that a small file declaring a huge image (a decompression bomb) is refused
 * with 413 instead of allocating gigabytes.
 */
final class ImageGuard {
    private ImageGuard() {
    }

    /**
     * @return the header of the bytes between {@code encoded}'s position and limit (left as they are)
     * @throws PeregrineException BAD_INPUT for data that is not a supported image, TOO_LARGE over {@code maxPixels}
     */
    static ImageHeader check(ByteBuffer encoded, long maxPixels) throws PeregrineException {
        ImageHeader header = ImageDecoder.probe(encoded);
        if (header.pixels() > maxPixels) {
            throw new PeregrineException(ErrorCode.TOO_LARGE, "image is " + header.width() + "x" + header.height()
                    + " = " + header.pixels() + " pixels, over the limit of " + maxPixels + " pixels (--max-pixels)");
        }
        return header;
    }
}
