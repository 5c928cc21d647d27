package dev.peregrine.server.http;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An output tensor of the Open Inference Protocol routes: little-endian FP32 values, the protocols' wire form, in
 * pooled native memory (Netty's direct pool). The batch writes each image's output straight from the engine into
 * its slot and the answer is written to the network from here, so a request's output is never a heap array; for a
 * 640x640 COCO detector that is 2.8 MB per image, a humongous G1 object several times over before.
 *
 * <p>Reference counted: the request owns one reference from {@link #allocate}; each image queued for a batch holds
 * one until the batcher is done with it (a cancelled request must not free memory a running batch still writes);
 * the answer's writer releases the request's reference once the bytes are on the wire. The memory returns to the
 * pool with the last release.
 */
final class TensorBytes {
    private static final AtomicLong LIVE = new AtomicLong();
    private static final AtomicLong LIVE_BYTES = new AtomicLong();

    private final ByteBuf buf;
    private final int floats;

    private TensorBytes(ByteBuf buf, int floats) {
        this.buf = buf;
        this.floats = floats;
        LIVE.incrementAndGet();
        LIVE_BYTES.addAndGet(byteCount());
    }

    /**
     * Room for {@code floats} values (unset), from Netty's shared pool.
     *
     * @throws PeregrineException OVERLOADED when the pool has no direct memory left (503, retry)
     */
    static TensorBytes allocate(int floats) throws PeregrineException {
        int bytes = Math.multiplyExact(floats, Float.BYTES);
        try {
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(bytes, bytes);
            buf.writerIndex(bytes);
            return new TensorBytes(buf, floats);
        } catch (OutOfMemoryError e) {
            throw new PeregrineException(ErrorCode.OVERLOADED, "no memory left for inference outputs ("
                    + e.getMessage() + "); retry later");
        }
    }

    /** A copy of {@code values} (test doubles and small outputs). */
    static TensorBytes of(float[] values) throws PeregrineException {
        TensorBytes t = allocate(values.length);
        t.floats().put(values);
        return t;
    }

    /** Number of values. */
    int floatCount() {
        return floats;
    }

    /** Size in bytes. */
    int byteCount() {
        return floats * Float.BYTES;
    }

    /** A little-endian float view of all values, position 0, to read or fill; valid while a reference is held. */
    FloatBuffer floats() {
        return buf.nioBuffer(0, byteCount()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    /** The values as a heap array (JSON answers and tests). */
    float[] toArray() {
        float[] out = new float[floats];
        floats().get(out);
        return out;
    }

    /**
     * The bytes as a Netty buffer over the same memory, for composing an answer: unreleasable, so that whatever
     * the transport releases after writing (a composite releases its parts) leaves this object's count alone; the
     * writer releases its own reference when the write has completed.
     */
    ByteBuf asByteBuf() {
        return Unpooled.unreleasableBuffer(buf.duplicate());
    }

    /** Takes one more reference. */
    TensorBytes retain() {
        buf.retain();
        return this;
    }

    /** Drops one reference; the last one returns the memory to the pool. */
    void release() {
        if (buf.release()) {
            LIVE.decrementAndGet();
            LIVE_BYTES.addAndGet(-byteCount());
        }
    }

    /** Output buffers not yet returned to the pool, in the whole process (metrics and leak tests). */
    static long live() {
        return LIVE.get();
    }

    /** Bytes those buffers hold. */
    static long liveBytes() {
        return LIVE_BYTES.get();
    }
}
