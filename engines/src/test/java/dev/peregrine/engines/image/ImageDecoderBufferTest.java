package dev.peregrine.engines.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * Decoding from a {@link ByteBuffer}: only the bytes between position and limit count (what lies around them is
 * junk that would change the answer if it were read), the caller's position and limit stay, direct buffers are read
 * in place and give the same pixels as the {@code byte[]} path, and bad data gives the same errors.
 */
class ImageDecoderBufferTest {
    private static final long LIMIT = ImageDecoder.DEFAULT_MAX_PIXELS;
    /** Before the image: a GIF signature, so that reading from index 0 instead of the position fails loudly. */
    private static final byte[] BEFORE = "GIF89a\0".getBytes(StandardCharsets.ISO_8859_1);
    /** After the image: more bytes, so that reading past the limit would change what the integrity checks see. */
    private static final byte[] AFTER = "trailing junk".getBytes(StandardCharsets.ISO_8859_1);

    /** {@code image} with junk around it, in a direct buffer whose position and limit frame the image. */
    private static ByteBuffer framedDirect(byte[] image) {
        ByteBuffer b = ByteBuffer.allocateDirect(BEFORE.length + image.length + AFTER.length);
        b.put(BEFORE).put(image).put(AFTER);
        return b.position(BEFORE.length).limit(BEFORE.length + image.length);
    }

    /** The same in a heap buffer (array offset 0, position after the junk). */
    private static ByteBuffer framedHeap(byte[] image) {
        byte[] all = new byte[BEFORE.length + image.length + AFTER.length];
        System.arraycopy(BEFORE, 0, all, 0, BEFORE.length);
        System.arraycopy(image, 0, all, BEFORE.length, image.length);
        System.arraycopy(AFTER, 0, all, BEFORE.length + image.length, AFTER.length);
        return ByteBuffer.wrap(all, BEFORE.length, image.length);
    }

    private static List<Function<byte[], ByteBuffer>> framings() {
        return List.of(ImageDecoderBufferTest::framedDirect, ImageDecoderBufferTest::framedHeap,
                b -> framedHeap(b).slice(), // a heap buffer with a non-zero array offset
                b -> framedHeap(b).asReadOnlyBuffer(), // a heap buffer without an accessible array
                b -> framedDirect(b).slice()); // a direct slice: its address is not the allocation's
    }

    private static byte[] pixels(Mat m) {
        byte[] out = new byte[(int) (m.total() * m.elemSize())];
        try (BytePointer p = new BytePointer(m.data())) {
            p.capacity(out.length).get(out);
        }
        return out;
    }

    @Test
    void everyFramingDecodesToTheSamePixelsAsTheByteArrayAndLeavesTheBufferAlone() throws Exception {
        List<byte[]> images = List.of(TestImages.fixture("images/bus.jpg"), TestImages.fixture("images/chelsea.png"),
                TestImages.encoded(61, 37, ".webp"), TestImages.encoded(61, 37, ".bmp"));
        for (byte[] image : images) {
            byte[] expected;
            ImageHeader header = ImageDecoder.probe(image);
            try (Mat reference = ImageDecoder.decode(image, LIMIT)) {
                expected = pixels(reference);
            }
            for (Function<byte[], ByteBuffer> framing : framings()) {
                ByteBuffer buffer = framing.apply(image);
                int position = buffer.position();
                int limit = buffer.limit();
                assertThat(ImageDecoder.probe(buffer)).isEqualTo(header);
                try (Mat decoded = ImageDecoder.decode(buffer, LIMIT)) {
                    assertThat(decoded.cols()).isEqualTo(header.width());
                    assertThat(decoded.rows()).isEqualTo(header.height());
                    assertThat(Arrays.equals(pixels(decoded), expected))
                            .as("%s in a %s buffer", header, buffer.isDirect() ? "direct" : "heap").isTrue();
                }
                assertThat(buffer.position()).isEqualTo(position);
                assertThat(buffer.limit()).isEqualTo(limit);
            }
        }
    }

    @Test
    void badDataInABufferGivesTheSameErrorsAsInAnArray() throws Exception {
        byte[] bus = TestImages.fixture("images/bus.jpg");
        byte[] png = TestImages.encoded(64, 48, ".png");
        // the limit cuts the image: the bytes after it (the rest of the JPEG) must not rescue it
        ByteBuffer cut = ByteBuffer.allocateDirect(bus.length).put(bus).position(0).limit(bus.length / 2);
        assertBadInput(cut, "truncated jpeg");
        assertBadInput(framedDirect(Arrays.copyOf(png, png.length * 2 / 3)), "png");
        assertBadInput(ByteBuffer.allocateDirect(16).position(16), "image is empty");
        assertBadInput(framedDirect("not an image at all".getBytes(StandardCharsets.US_ASCII)),
                "unsupported image format");
        assertBadInput(null, "image is empty");
    }

    private static void assertBadInput(ByteBuffer buffer, String messagePart) {
        assertThatThrownBy(() -> {
            try (Mat m = ImageDecoder.decode(buffer, LIMIT)) {
                // not reached for bad input
            }
        }).isInstanceOfSatisfying(PeregrineException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT))
                .hasMessageContaining(messagePart);
    }
}
