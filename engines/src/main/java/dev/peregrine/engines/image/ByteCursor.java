package dev.peregrine.engines.image;

import dev.peregrine.engines.PeregrineException;
import java.nio.ByteBuffer;

/**
 * Bounds-checked reads of big- and little-endian integers from an encoded image header. Every read past the end
 * of the data becomes a {@code BAD_INPUT} naming the format, so a truncated header never throws an
 * {@link IndexOutOfBoundsException}. The data is read with absolute gets from index 0 to its limit (the image
 * classes hand over a {@link ByteBuffer#slice()} of the caller's buffer), so the caller's position never moves.
 */
final class ByteCursor {
    private final ByteBuffer data;
    private final String format;

    ByteCursor(ByteBuffer data, String format) {
        this.data = data;
        this.format = format;
    }

    /** Total number of bytes. */
    int length() {
        return data.limit();
    }

    /** The unsigned byte at {@code pos}. */
    int u8(int pos) throws PeregrineException {
        require(pos, 1);
        return data.get(pos) & 0xFF;
    }

    /** Unsigned 16-bit big-endian value at {@code pos}. */
    int u16be(int pos) throws PeregrineException {
        require(pos, 2);
        return (data.get(pos) & 0xFF) << 8 | data.get(pos + 1) & 0xFF;
    }

    /** Unsigned 16-bit little-endian value at {@code pos}. */
    int u16le(int pos) throws PeregrineException {
        require(pos, 2);
        return data.get(pos) & 0xFF | (data.get(pos + 1) & 0xFF) << 8;
    }

    /** Unsigned 24-bit little-endian value at {@code pos}. */
    int u24le(int pos) throws PeregrineException {
        require(pos, 3);
        return data.get(pos) & 0xFF | (data.get(pos + 1) & 0xFF) << 8 | (data.get(pos + 2) & 0xFF) << 16;
    }

    /** 32-bit big-endian value at {@code pos}, as an unsigned long. */
    long u32be(int pos) throws PeregrineException {
        require(pos, 4);
        return (long) u16be(pos) << 16 | u16be(pos + 2);
    }

    /** Signed 32-bit little-endian value at {@code pos}. */
    int s32le(int pos) throws PeregrineException {
        require(pos, 4);
        return u16le(pos) | u16le(pos + 2) << 16;
    }

    /** True when the bytes at {@code pos} equal the ASCII text {@code tag} (false when the data is shorter). */
    boolean matches(int pos, String tag) {
        if (pos < 0 || pos + tag.length() > data.limit()) {
            return false;
        }
        for (int i = 0; i < tag.length(); i++) {
            if (data.get(pos + i) != (byte) tag.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void require(int pos, int n) throws PeregrineException {
        if (pos < 0 || pos + n > data.limit()) {
            throw PeregrineException.badInput(format + " header is truncated: needs byte " + (pos + n)
                    + " but the data has " + data.limit() + " bytes");
        }
    }
}
