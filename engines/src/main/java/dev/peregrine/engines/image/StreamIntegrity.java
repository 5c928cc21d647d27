package dev.peregrine.engines.image;

import dev.peregrine.engines.PeregrineException;
import java.nio.ByteBuffer;

/**
 * Cheap structural checks run before OpenCV sees the bytes, for damage the codecs handle badly:
 * <ul>
 *   <li>JPEG: the end-of-image marker must be reached; libjpeg only warns about a truncated scan and returns a
 *       partly grey image, a silently wrong answer.</li>
 *   <li>PNG: the chunks must tile the data up to IEND; OpenCV's PNG reader sizes its buffer from a chunk's
 *       declared length, so a few hundred bytes declaring a 3 GB chunk cost gigabytes of memory and tens of
 *       seconds before failing.</li>
 *   <li>WebP: the RIFF size must fit in the data.</li>
 * </ul>
 * BMP needs no extra check: OpenCV refuses truncated BMP data by itself.
 */
final class StreamIntegrity {
    private StreamIntegrity() {
    }

    /** Fails with BAD_INPUT when the stream of the probed format is truncated or structurally corrupt. */
    static void check(ImageHeader header, ByteBuffer data) throws PeregrineException {
        switch (header.format()) {
            case "jpeg" -> {
                if (!JpegStructure.hasEndOfImage(data)) {
                    throw PeregrineException.badInput("truncated jpeg: no end-of-image marker after the scan data ("
                            + data.limit() + " bytes)");
                }
            }
            case "png" -> checkPngChunks(data);
            case "webp" -> checkRiffSize(data);
            default -> {
                // bmp: nothing to add
            }
        }
    }

    /** Walks length-prefixed PNG chunks from the first one to IEND. */
    private static void checkPngChunks(ByteBuffer data) throws PeregrineException {
        ByteCursor c = new ByteCursor(data, "png");
        long pos = 8;
        while (true) {
            if (pos + 12 > data.limit()) {
                throw PeregrineException.badInput("truncated png: the data ends at byte " + data.limit()
                        + " before the IEND chunk");
            }
            long length = c.u32be((int) pos);
            boolean end = c.matches((int) pos + 4, "IEND");
            long next = pos + 12 + length;
            if (next > data.limit()) {
                throw PeregrineException.badInput("truncated or corrupt png: the chunk at byte " + pos
                        + " declares " + length + " bytes but only " + (data.limit() - pos - 12) + " follow");
            }
            if (end) {
                return;
            }
            pos = next;
        }
    }

    /** The RIFF container declares its payload size after the "RIFF" tag. */
    private static void checkRiffSize(ByteBuffer data) throws PeregrineException {
        long declared = (new ByteCursor(data, "webp").s32le(4) & 0xFFFFFFFFL) + 8;
        if (declared > data.limit()) {
            throw PeregrineException.badInput("truncated webp: the RIFF header declares " + declared
                    + " bytes but the data has " + data.limit());
        }
    }
}
