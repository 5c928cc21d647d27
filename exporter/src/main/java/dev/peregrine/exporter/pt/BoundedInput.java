package dev.peregrine.exporter.pt;

import java.io.ByteArrayInputStream;

/**
 * The pickle bytes as a stream that knows its position and how much is left, so that length-prefixed opcodes can be
 * checked before anything is allocated.
 */
final class BoundedInput extends ByteArrayInputStream {
    BoundedInput(byte[] bytes) {
        super(bytes);
    }

    /** Offset of the next byte to read. */
    synchronized int position() {
        return pos;
    }

    /** Bytes left. */
    synchronized int remaining() {
        return count - pos;
    }

    /** The little-endian unsigned integer of {@code width} bytes at the current position, without consuming it. */
    synchronized long peekLength(int width) {
        if (count - pos < width) {
            return -1;
        }
        long v = 0;
        for (int i = width - 1; i >= 0; i--) {
            v = (v << 8) | (buf[pos + i] & 0xff);
        }
        return v;
    }

    /** Bytes from the current position up to (not including) the next newline; -1 when there is none. */
    synchronized int peekLineLength() {
        for (int i = pos; i < count; i++) {
            if (buf[i] == '\n') {
                return i - pos;
            }
        }
        return -1;
    }
}
