package dev.peregrine.engines.image;

import dev.peregrine.engines.PeregrineException;
import java.nio.ByteBuffer;

/**
 * Recognises an encoded image by its magic bytes and reads its size from the header: JPEG (SOFn), PNG (IHDR),
 * BMP (DIB header) and WebP (VP8, VP8L or VP8X chunk). Everything else is refused with a message naming what the
 * bytes look like.
 */
final class HeaderProbe {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private HeaderProbe() {
    }

    /**
     * Identifies the format and reads width and height; BAD_INPUT for empty, unknown or truncated headers.
     *
     * @param data the encoded image from index 0 to its limit
     */
    static ImageHeader probe(ByteBuffer data) throws PeregrineException {
        if (data == null || data.limit() == 0) {
            throw PeregrineException.badInput("image is empty (0 bytes)");
        }
        ImageHeader h;
        if (JpegStructure.sniff(data)) {
            h = JpegStructure.header(data);
        } else if (startsWith(data, PNG_SIGNATURE)) {
            h = png(new ByteCursor(data, "png"));
        } else if (data.limit() >= 2 && data.get(0) == 'B' && data.get(1) == 'M') {
            h = bmp(new ByteCursor(data, "bmp"));
        } else if (isWebp(data)) {
            h = webp(new ByteCursor(data, "webp"));
        } else {
            throw PeregrineException.badInput("unsupported image format (" + describe(data)
                    + "); expected JPEG, PNG, BMP or WebP");
        }
        if (h.width() <= 0 || h.height() <= 0) {
            throw PeregrineException.badInput(h.format() + " header declares an empty image: " + h.width() + "x"
                    + h.height());
        }
        return h;
    }

    /** PNG: the IHDR chunk must come first; width and height are 32-bit big-endian. */
    private static ImageHeader png(ByteCursor c) throws PeregrineException {
        c.u32be(8);
        if (!c.matches(12, "IHDR")) {
            throw PeregrineException.badInput("corrupt png: the first chunk is not IHDR");
        }
        long w = c.u32be(16);
        long h = c.u32be(20);
        if (w > Integer.MAX_VALUE || h > Integer.MAX_VALUE) {
            throw PeregrineException.badInput("corrupt png: IHDR declares " + w + "x" + h);
        }
        return new ImageHeader("png", (int) w, (int) h);
    }

    /**
     * BMP: 14-byte file header, then a DIB header whose size selects the layout: 12 bytes (OS/2 core header,
     * 16-bit sizes) or 40 and more (Windows headers, 32-bit signed sizes; a negative height means top-down rows).
     */
    private static ImageHeader bmp(ByteCursor c) throws PeregrineException {
        int dibSize = c.s32le(14);
        if (dibSize == 12) {
            return new ImageHeader("bmp", c.u16le(18), c.u16le(20));
        }
        if (dibSize < 40) {
            throw PeregrineException.badInput("corrupt bmp: unknown DIB header size " + dibSize);
        }
        int w = c.s32le(18);
        int h = c.s32le(22);
        if (h == Integer.MIN_VALUE) {
            throw PeregrineException.badInput("corrupt bmp: height " + h);
        }
        return new ImageHeader("bmp", w, Math.abs(h));
    }

    /** WebP: RIFF container, first chunk VP8 (lossy), VP8L (lossless) or VP8X (extended, canvas size). */
    private static ImageHeader webp(ByteCursor c) throws PeregrineException {
        c.u8(15);
        if (c.matches(12, "VP8 ")) {
            // Frame tag (3 bytes) then the start code 9D 01 2A, then 14-bit width and height (2 scale bits).
            if (c.u8(23) != 0x9D || c.u8(24) != 0x01 || c.u8(25) != 0x2A) {
                throw PeregrineException.badInput("corrupt webp: VP8 start code missing");
            }
            return new ImageHeader("webp", c.u16le(26) & 0x3FFF, c.u16le(28) & 0x3FFF);
        }
        if (c.matches(12, "VP8L")) {
            // Signature byte 0x2F, then 14 bits width-1 and 14 bits height-1, little-endian bit order.
            if (c.u8(20) != 0x2F) {
                throw PeregrineException.badInput("corrupt webp: VP8L signature missing");
            }
            long bits = c.s32le(21) & 0xFFFFFFFFL;
            return new ImageHeader("webp", (int) (bits & 0x3FFF) + 1, (int) (bits >>> 14 & 0x3FFF) + 1);
        }
        if (c.matches(12, "VP8X")) {
            // Flags (1 byte) + reserved (3), then 24-bit canvas width-1 and height-1.
            return new ImageHeader("webp", c.u24le(24) + 1, c.u24le(27) + 1);
        }
        throw PeregrineException.badInput("corrupt webp: unknown first chunk");
    }

    private static boolean isWebp(ByteBuffer data) {
        ByteCursor c = new ByteCursor(data, "webp");
        return c.matches(0, "RIFF") && c.matches(8, "WEBP");
    }

    private static boolean startsWith(ByteBuffer data, byte[] prefix) {
        if (data.limit() < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data.get(i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** A short description of unrecognised data for the error message. */
    private static String describe(ByteBuffer data) {
        ByteCursor c = new ByteCursor(data, "?");
        if (c.matches(0, "GIF87a") || c.matches(0, "GIF89a")) {
            return "GIF";
        }
        if (c.matches(0, "II*\0") || c.matches(0, "MM\0*")) {
            return "TIFF";
        }
        if (c.matches(4, "ftyp")) {
            return "ISO media (HEIC/AVIF)";
        }
        if (data.limit() >= 2 && (data.get(0) & 0xFF) == 0xFF && (data.get(1) & 0xFF) == 0xD8) {
            return "truncated JPEG";
        }
        int n = Math.min(data.limit(), 8);
        StringBuilder sb = new StringBuilder("first bytes");
        for (int i = 0; i < n; i++) {
            sb.append(String.format(" %02x", data.get(i) & 0xFF));
        }
        return sb.toString();
    }
}
