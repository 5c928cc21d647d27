package dev.peregrine.exporter.pt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One torch storage: the bytes of record {@code <prefix>/data/<key>}, shared by every tensor that views it. Created
 * by the unpickler from a persistent id (type, key, element count); the bytes are attached once the pickle has been
 * read, so that each storage is read from the archive exactly once whatever the number of views.
 */
final class TensorStorage {
    private final String key;
    private final DType dtype;
    private final long numel;
    private ByteBuffer data;

    TensorStorage(String key, DType dtype, long numel) {
        this.key = key;
        this.dtype = dtype;
        this.numel = numel;
    }

    /** The record key ({@code data/<key>}). */
    String key() {
        return key;
    }

    /** The element type of the storage class ({@link DType#UINT8} for untyped storages). */
    DType dtype() {
        return dtype;
    }

    /** Element count declared in the persistent id. */
    long numel() {
        return numel;
    }

    /** Size of the record in bytes that the persistent id promises. */
    long byteLength() {
        return numel * dtype.byteSize();
    }

    /** Attaches the record bytes (exactly {@link #byteLength()} of them) in the archive's byte order. */
    void attach(byte[] bytes, ByteOrder order) {
        if (bytes.length != byteLength()) {
            throw new IllegalArgumentException("storage " + key + ": " + bytes.length + " bytes, expected " + byteLength());
        }
        this.data = ByteBuffer.wrap(bytes).order(order).asReadOnlyBuffer().order(order);
    }

    /** The bytes, positioned at 0 (absolute reads only). */
    ByteBuffer data() {
        if (data == null) {
            throw new IllegalStateException("storage " + key + " was not loaded");
        }
        return data;
    }
}
