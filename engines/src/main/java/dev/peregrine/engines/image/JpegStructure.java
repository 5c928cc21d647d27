package dev.peregrine.engines.image;

import dev.peregrine.engines.PeregrineException;

/**
 * Walks the marker segments of a JPEG stream: finds the frame header (SOFn) for the image size, and checks that
 * the entropy-coded data is followed by an end-of-image marker. The latter matters because libjpeg treats a
 * truncated scan as a warning and returns an image whose missing part is grey: without this check a cut-off
 * upload would be answered with a silently wrong result.
 */
final class JpegStructure {
    private static final String FORMAT = "jpeg";
    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;

    private JpegStructure() {
    }

    /** True when the data starts with the JPEG start-of-image marker followed by another marker. */
    static boolean sniff(byte[] b) {
        return b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == SOI && (b[2] & 0xFF) == 0xFF;
    }

    /** Reads the width and height from the first frame header. */
    static ImageHeader header(byte[] data) throws PeregrineException {
        ByteCursor c = new ByteCursor(data, FORMAT);
        int pos = 2;
        while (true) {
            int marker = readMarker(c, pos);
            pos = skipFill(c, pos) + 1;
            if (isStandalone(marker)) {
                continue;
            }
            if (marker == SOS || marker == EOI) {
                throw PeregrineException.badInput("corrupt jpeg: no frame header (SOF marker) before "
                        + (marker == SOS ? "the scan data" : "the end-of-image marker"));
            }
            int length = c.u16be(pos);
            if (length < 2) {
                throw PeregrineException.badInput("corrupt jpeg: segment 0x" + Integer.toHexString(marker)
                        + " at offset " + pos + " has length " + length);
            }
            if (isFrameHeader(marker)) {
                // SOFn payload: precision (1 byte), height (2), width (2), components...
                int height = c.u16be(pos + 3);
                int width = c.u16be(pos + 5);
                return new ImageHeader(FORMAT, width, height);
            }
            pos += length;
        }
    }

    /**
     * True when an end-of-image marker follows the first scan. Inside entropy-coded data every 0xFF byte is
     * followed by 0x00 (stuffing) or a restart marker, so the first 0xFF 0xD9 after the scan header is the real
     * end of the image, not a false match.
     */
    static boolean hasEndOfImage(byte[] data) {
        try {
            ByteCursor c = new ByteCursor(data, FORMAT);
            int pos = 2;
            while (true) {
                int marker = readMarker(c, pos);
                pos = skipFill(c, pos) + 1;
                if (isStandalone(marker)) {
                    continue;
                }
                if (marker == EOI) {
                    return false;
                }
                pos += c.u16be(pos);
                if (marker == SOS) {
                    break;
                }
            }
            for (int i = pos; i + 1 < data.length; i++) {
                if ((data[i] & 0xFF) == 0xFF && (data[i + 1] & 0xFF) == EOI) {
                    return true;
                }
            }
            return false;
        } catch (PeregrineException truncated) {
            return false;
        }
    }

    /** The marker code at {@code pos} (after any 0xFF fill bytes); fails when no marker starts there. */
    private static int readMarker(ByteCursor c, int pos) throws PeregrineException {
        if (c.u8(pos) != 0xFF) {
            throw PeregrineException.badInput("corrupt jpeg: expected a marker at offset " + pos + ", found 0x"
                    + Integer.toHexString(c.u8(pos)));
        }
        return c.u8(skipFill(c, pos));
    }

    /** Position of the marker code byte, past the 0xFF prefix and any 0xFF fill bytes. */
    private static int skipFill(ByteCursor c, int pos) throws PeregrineException {
        int p = pos;
        while (c.u8(p) == 0xFF) {
            p++;
        }
        return p;
    }

    /** Markers without a length field: TEM, RST0-7, SOI. */
    private static boolean isStandalone(int m) {
        return m == 0x01 || m >= 0xD0 && m <= 0xD8;
    }

    /** SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
    private static boolean isFrameHeader(int m) {
        return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    }
}
