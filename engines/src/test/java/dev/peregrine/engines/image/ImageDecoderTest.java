package dev.peregrine.engines.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_core.CV_16UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC4;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Header probing per format, decoding to BGR, and refusal of bad input. */
class ImageDecoderTest {
    private static final long LIMIT = ImageDecoder.DEFAULT_MAX_PIXELS;

    @ParameterizedTest
    @ValueSource(strings = {".png", ".bmp", ".jpg", ".webp"})
    void probeReadsFormatAndSizeFromTheHeader(String ext) throws Exception {
        byte[] bytes = TestImages.encoded(37, 23, ext);
        ImageHeader h = ImageDecoder.probe(bytes);
        String expected = switch (ext) {
            case ".jpg" -> "jpeg";
            default -> ext.substring(1);
        };
        assertThat(h).isEqualTo(new ImageHeader(expected, 37, 23));
        try (Mat m = ImageDecoder.decode(bytes, LIMIT)) {
            assertThat(m.type()).isEqualTo(CV_8UC3);
            assertThat(m.cols()).isEqualTo(37);
            assertThat(m.rows()).isEqualTo(23);
        }
    }

    @Test
    void probeReadsProgressiveJpeg() throws Exception {
        byte[] bytes = encodeWith(TestImages.gradient(50, 30), ".jpg", opencv_imgcodecs.IMWRITE_JPEG_PROGRESSIVE, 1);
        assertThat(markerPresent(bytes, 0xC2)).as("progressive SOF2 marker").isTrue();
        assertThat(ImageDecoder.probe(bytes)).isEqualTo(new ImageHeader("jpeg", 50, 30));
    }

    @Test
    void probeReadsTheFixtureImages() throws Exception {
        assertThat(ImageDecoder.probe(TestImages.fixture("images/bus.jpg")))
                .isEqualTo(new ImageHeader("jpeg", 810, 1080));
        assertThat(ImageDecoder.probe(TestImages.fixture("images/chelsea.png")))
                .isEqualTo(new ImageHeader("png", 451, 300));
        assertThat(ImageDecoder.probe(TestImages.fixture("images/rocket.jpg")))
                .isEqualTo(new ImageHeader("jpeg", 640, 427));
    }

    @Test
    void probeReadsLossyLosslessAndExtendedWebp() throws Exception {
        byte[] lossy = encodeWith(TestImages.gradient(33, 17), ".webp", opencv_imgcodecs.IMWRITE_WEBP_QUALITY, 80);
        byte[] lossless = encodeWith(TestImages.gradient(33, 17), ".webp", opencv_imgcodecs.IMWRITE_WEBP_QUALITY, 101);
        byte[] alpha;
        try (Mat bgra = new Mat(17, 33, CV_8UC4, new Scalar(10, 20, 30, 128))) {
            alpha = encodeWith(bgra, ".webp", opencv_imgcodecs.IMWRITE_WEBP_QUALITY, 80);
        }
        assertThat(chunk(lossy)).isEqualTo("VP8 ");
        assertThat(chunk(lossless)).isEqualTo("VP8L");
        assertThat(chunk(alpha)).isEqualTo("VP8X");
        for (byte[] b : new byte[][] {lossy, lossless, alpha}) {
            assertThat(ImageDecoder.probe(b)).isEqualTo(new ImageHeader("webp", 33, 17));
            try (Mat m = ImageDecoder.decode(b, LIMIT)) {
                assertThat(m.type()).isEqualTo(CV_8UC3);
                assertThat(m.cols()).isEqualTo(33);
            }
        }
    }

    @Test
    void probeReadsOs2CoreHeaderBmp() throws Exception {
        byte[] b = new byte[26];
        b[0] = 'B';
        b[1] = 'M';
        b[14] = 12; // BITMAPCOREHEADER
        b[18] = (byte) 0x2C; // width 300 = 0x012C, little-endian 16 bit
        b[19] = 0x01;
        b[20] = 7; // height 7
        assertThat(ImageDecoder.probe(b)).isEqualTo(new ImageHeader("bmp", 300, 7));
    }

    @Test
    void grayscaleAlphaAnd16BitPngDecodeToThreeChannelBgr() throws Exception {
        try (Mat gray = new Mat(12, 20, CV_8UC1, new Scalar(77));
             Mat bgra = new Mat(12, 20, CV_8UC4, new Scalar(10, 20, 30, 0));
             Mat deep = new Mat(12, 20, CV_16UC3, new Scalar(256 * 40, 256 * 50, 256 * 60, 0))) {
            int[][] expectedPixel = {{77, 77, 77}, {10, 20, 30}, {40, 50, 60}};
            Mat[] sources = {gray, bgra, deep};
            for (int i = 0; i < sources.length; i++) {
                try (Mat m = ImageDecoder.decode(TestImages.encode(sources[i], ".png"), LIMIT);
                     org.bytedeco.javacpp.indexer.UByteIndexer px = m.createIndexer()) {
                    assertThat(m.type()).isEqualTo(CV_8UC3);
                    assertThat(m.cols()).isEqualTo(20);
                    assertThat(m.rows()).isEqualTo(12);
                    assertThat(new int[] {px.get(5, 5, 0), px.get(5, 5, 1), px.get(5, 5, 2)})
                            .containsExactly(expectedPixel[i]);
                }
            }
        }
    }

    @Test
    void emptyBytesAreBadInput() {
        assertBadInput(new byte[0], "empty");
        assertThatThrownBy(() -> ImageDecoder.probe((byte[]) null)).isInstanceOf(PeregrineException.class);
    }

    @Test
    void textIsAnUnsupportedFormat() {
        assertBadInput("hello, this is not an image".getBytes(StandardCharsets.US_ASCII), "unsupported image format");
    }

    @Test
    void gifIsRefusedByName() {
        byte[] gif = {'G', 'I', 'F', '8', '9', 'a', 10, 0, 10, 0, 0, 0, 0};
        assertBadInput(gif, "GIF");
    }

    @Test
    void truncatedJpegIsBadInput() throws Exception {
        byte[] bus = TestImages.fixture("images/bus.jpg");
        assertBadInput(Arrays.copyOf(bus, bus.length / 2), "truncated jpeg");
        assertBadInput(Arrays.copyOf(bus, bus.length - 2), "truncated jpeg");
        assertBadInput(Arrays.copyOf(bus, 10), "jpeg header is truncated");
    }

    @ParameterizedTest
    @ValueSource(strings = {".png", ".bmp", ".webp"})
    void truncatedImagesAreBadInput(String ext) {
        byte[] full = TestImages.encoded(64, 48, ext);
        assertBadInput(Arrays.copyOf(full, full.length * 2 / 3), "");
        assertBadInput(Arrays.copyOf(full, 20), "");
    }

    @Test
    void hugeDeclaredSizeIsTooLargeBeforeDecoding() {
        byte[] png = pngHeader(100_000, 100_000);
        assertThatThrownBy(() -> ImageDecoder.decode(png, LIMIT))
                .isInstanceOfSatisfying(PeregrineException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE))
                .hasMessageContaining("100000x100000")
                .hasMessageContaining(Long.toString(LIMIT));
        // The limit is the caller's: a small image over a tiny limit is refused too.
        byte[] small = TestImages.encoded(40, 30, ".jpg");
        assertThatThrownBy(() -> ImageDecoder.decode(small, 1199))
                .isInstanceOfSatisfying(PeregrineException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
    }

    @Test
    void zeroSizeHeadersAreBadInput() {
        assertBadInput(pngHeader(0, 10), "empty image");
        assertBadInput(pngHeader(10, 0), "empty image");
        byte[] jpeg = TestImages.encoded(16, 16, ".jpg");
        int sof = indexOfMarker(jpeg, 0xC0);
        jpeg[sof + 5] = 0; // height high byte
        jpeg[sof + 6] = 0; // height low byte
        assertBadInput(jpeg, "empty image");
    }

    @Test
    void pngChunkDeclaringMoreBytesThanPresentIsRefusedBeforeOpenCv() {
        // OpenCV would size a buffer from this length (3.6 GB) and take tens of seconds to fail.
        byte[] png = TestImages.encoded(24, 16, ".png");
        png[33] = (byte) 0xDA; // high byte of the IDAT chunk length
        assertBadInput(png, "declares");
        byte[] noEnd = TestImages.encoded(24, 16, ".png");
        assertBadInput(Arrays.copyOf(noEnd, noEnd.length - 12), "before the IEND chunk");
    }

    @Test
    void truncatedWebpIsRefusedByItsRiffSize() {
        byte[] webp = TestImages.encoded(24, 16, ".webp");
        assertBadInput(Arrays.copyOf(webp, webp.length - 1), "truncated webp");
    }

    @Test
    void corruptPngDataIsBadInput() {
        byte[] png = TestImages.encoded(64, 48, ".png");
        byte[] corrupt = png.clone();
        for (int i = 60; i < corrupt.length - 20; i++) {
            corrupt[i] = (byte) (i * 31);
        }
        assertBadInput(corrupt, "");
    }

    private static void assertBadInput(byte[] bytes, String messagePart) {
        assertThatThrownBy(() -> {
            try (Mat m = ImageDecoder.decode(bytes, LIMIT)) {
                // not reached for bad input
            }
        }).isInstanceOfSatisfying(PeregrineException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT))
                .hasMessageContaining(messagePart);
    }

    /** A PNG signature and IHDR chunk declaring {@code w x h}, followed by nothing. */
    static byte[] pngHeader(int w, int h) {
        byte[] b = new byte[33];
        byte[] sig = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        System.arraycopy(sig, 0, b, 0, sig.length);
        putInt(b, 16, w);
        putInt(b, 20, h);
        b[24] = 8; // bit depth
        b[25] = 2; // colour type RGB
        return b;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static byte[] encodeWith(Mat m, String ext, int param, int value) {
        try (m; BytePointer out = new BytePointer(); IntPointer params = new IntPointer(param, value)) {
            assertThat(opencv_imgcodecs.imencode(ext, m, out, params)).isTrue();
            byte[] b = new byte[(int) out.limit()];
            out.get(b);
            return b;
        }
    }

    private static String chunk(byte[] webp) {
        return new String(webp, 12, 4, StandardCharsets.US_ASCII);
    }

    private static boolean markerPresent(byte[] jpeg, int marker) {
        return indexOfMarker(jpeg, marker) >= 0;
    }

    private static int indexOfMarker(byte[] jpeg, int marker) {
        for (int i = 0; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == marker) {
                return i;
            }
        }
        return -1;
    }
}
