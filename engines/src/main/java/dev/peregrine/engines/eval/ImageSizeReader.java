package dev.peregrine.engines.eval;

import dev.peregrine.engines.PeregrineException;
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
}
