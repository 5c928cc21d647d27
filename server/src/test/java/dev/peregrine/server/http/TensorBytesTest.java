package dev.peregrine.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class TensorBytesTest {

    @Test
    void valuesAreLittleEndianFloatsInNativeMemoryAndGoBackWithTheLastReference() throws Exception {
        long before = TensorBytes.live();
        long bytesBefore = TensorBytes.liveBytes();
        float[] values = {1.5f, -2.25f, 3e-8f, Float.MAX_VALUE};
        TensorBytes t = TensorBytes.of(values);
        assertThat(TensorBytes.live()).isEqualTo(before + 1);
        assertThat(TensorBytes.liveBytes()).isEqualTo(bytesBefore + 16);
        assertThat(t.floatCount()).isEqualTo(4);
        assertThat(t.byteCount()).isEqualTo(16);
        assertThat(t.toArray()).containsExactly(values);

        ByteBuf wire = t.asByteBuf();
        assertThat(wire.isDirect()).isTrue();
        byte[] bytes = new byte[wire.readableBytes()];
        wire.getBytes(wire.readerIndex(), bytes);
        ByteBuffer expected = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            expected.putFloat(v);
        }
        assertThat(bytes).containsExactly(expected.array());

        // a transport releasing what it wrote does not touch the tensor's own count
        assertThat(wire.release()).isFalse();
        t.retain();
        t.release();
        assertThat(TensorBytes.live()).isEqualTo(before + 1);
        t.release();
        assertThat(TensorBytes.live()).isEqualTo(before);
        assertThat(TensorBytes.liveBytes()).isEqualTo(bytesBefore);
    }
}
