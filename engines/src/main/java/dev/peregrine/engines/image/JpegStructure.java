package dev.peregrine.engines.image;

import dev.peregrine.engines.PeregrineException;
import java.nio.ByteBuffer;

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
    static boolean sniff(ByteBuffer b) {
        return b.limit() >= 3 && (b.get(0) & 0xFF) == 0xFF && (b.get(1) & 0xFF) == SOI && (b.get(2) & 0xFF) == 0xFF;
    }

    /** Reads the width and height from the first frame header. */
    static ImageHeader header(ByteBuffer data) throws PeregrineException {
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
     * True when the stream reaches its end-of-image marker: the marker segments are walked, and after each
     * start-of-scan the entropy-coded data is skipped (inside it every 0xFF byte is followed by 0x00 stuffing or
     * a restart marker, so the next other marker ends the scan). Progressive JPEGs with many scans are followed
     * the same way, so a cut between two scans is caught too.
     */
    static boolean hasEndOfImage(ByteBuffer data) {
        try {
            ByteCursor c = new ByteCursor(data, FORMAT);
            boolean sawScan = false;
            int pos = 2;
            while (true) {
                int marker = readMarker(c, pos);
                pos = skipFill(c, pos) + 1;
                if (isStandalone(marker)) {
                    continue;
                }
                if (marker == EOI) {
                    return sawScan;
                }
                pos += c.u16be(pos);
                if (marker == SOS) {
                    sawScan = true;
                    pos = endOfEntropyData(data, pos);
                    if (pos < 0) {
                        return false;
                    }
                }
            }
        } catch (PeregrineException truncated) {
            return false;
        }
    }

    /** Index of the 0xFF that starts the first marker after entropy-coded data at {@code from}, or -1. */
    private static int endOfEntropyData(ByteBuffer data, int from) {
        int i = from;
        while (i < data.limit()) {
            if ((data.get(i) & 0xFF) != 0xFF) {
                i++;
                continue;
            }
            int j = i + 1;
            while (j < data.limit() && (data.get(j) & 0xFF) == 0xFF) {
                j++;
            }
            if (j >= data.limit()) {
                return -1;
            }
            int next = data.get(j) & 0xFF;
            if (next != 0x00 && !(next >= 0xD0 && next <= 0xD7)) {
                return i;
            }
            i = j + 1;
        }
        return -1;
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
