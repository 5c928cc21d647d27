package dev.peregrine.engines.eval;

import dev.peregrine.engines.PeregrineException;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Header-only image sizes through the JDK's ImageIO, for tests. */
final class TestImageSizes {
    static final ImageSizeReader IMAGE_IO = path -> {
        try (ImageInputStream in = ImageIO.createImageInputStream(path.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw PeregrineException.badInput("unknown image format: " + path);
            }
            ImageReader r = readers.next();
            try {
                r.setInput(in);
                return new int[] {r.getWidth(0), r.getHeight(0)};
            } finally {
                r.dispose();
            }
        } catch (IOException e) {
            throw PeregrineException.badInput("cannot read " + path + ": " + e.getMessage());
        }
    };

    private TestImageSizes() {
    }
}
