package dev.peregrine.engines.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Damaged images never crash the JVM nor escape as anything but {@code BAD_INPUT}: every truncation length and
 * a few hundred random byte corruptions per format either decode to a BGR image of the declared size or are
 * refused with BAD_INPUT. (Corrupted entropy data may legitimately decode to a damaged picture: codecs cannot
 * tell it from content.)
 */
class ImageFuzzTest {
    private static final long LIMIT = 4096L * 4096L;

    @ParameterizedTest
    @ValueSource(strings = {".jpg", ".png", ".bmp", ".webp"})
    void everyTruncationIsRefused(String ext) {
        byte[] full = TestImages.encoded(24, 16, ext);
        int step = Math.max(1, full.length / 300);
        for (int n = 0; n < full.length - 1; n += step) {
            byte[] cut = Arrays.copyOf(full, n);
            // Formats without an end marker may still decode when only trailing bytes are missing, so only the
            // outcome's kind is checked, and for JPEG (which has an end marker) refusal is required.
            Outcome o = decode(cut);
            if (ext.equals(".jpg") && n < full.length - 2) {
                assertThat(o).as("jpeg cut to %d of %d bytes", n, full.length).isEqualTo(Outcome.BAD_INPUT);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {".jpg", ".png", ".bmp", ".webp"})
    void randomCorruptionDecodesOrIsBadInput(String ext) {
        byte[] full = TestImages.encoded(24, 16, ext);
        SplittableRandom random = new SplittableRandom(ext.hashCode());
        int decoded = 0;
        for (int round = 0; round < 300; round++) {
            byte[] bad = full.clone();
            int flips = 1 + random.nextInt(8);
            for (int k = 0; k < flips; k++) {
                bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
            }
            Outcome o = decode(bad);
            if (o == Outcome.DECODED) {
                decoded++;
            }
        }
        System.out.printf("%s: %d of 300 corrupted files still decoded%n", ext, decoded);
    }

    private enum Outcome { DECODED, BAD_INPUT }

    /** Decodes and checks the result's shape; any failure other than BAD_INPUT fails the test. */
    private static Outcome decode(byte[] bytes) {
        ImageHeader header;
        try {
            header = ImageDecoder.probe(bytes);
        } catch (PeregrineException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
            return Outcome.BAD_INPUT;
        }
        try (Mat m = ImageDecoder.decode(bytes, LIMIT)) {
            assertThat(m.type()).isEqualTo(CV_8UC3);
            assertThat((long) m.cols() * m.rows()).isEqualTo(header.pixels());
            return Outcome.DECODED;
        } catch (PeregrineException e) {
            assertThat(e.code()).as(e.getMessage()).isIn(ErrorCode.BAD_INPUT, ErrorCode.TOO_LARGE);
            return Outcome.BAD_INPUT;
        }
    }
}
