package dev.peregrine.engines.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** Pixels of the letterboxed image: grey 114 padding where the geometry says, the image in between. */
class LetterboxedImageTest {

    @Test
    void padsWith114AroundTheResizedImage() {
        try (Mat src = TestImages.gradient(100, 51);
             LetterboxedImage img = LetterboxedImage.of(src, 64, 64)) {
            Mat m = img.mat();
            assertThat(m.rows()).isEqualTo(64);
            assertThat(m.cols()).isEqualTo(64);
            assertThat(m.type()).isEqualTo(CV_8UC3);
            assertThat(img.bytes()).isEqualTo(64L * 64 * 3);
            assertThat(img.originalWidth()).isEqualTo(100);
            assertThat(img.originalHeight()).isEqualTo(51);
            try (UByteIndexer px = m.createIndexer()) {
                // Rows 0..14 above and 48..63 below are padding; rows 15..47 hold the 33-row resized image.
                for (int y = 0; y < 64; y++) {
                    boolean padding = y < 15 || y >= 48;
                    assertThat(rowIsGrey(px, y, 64)).as("row %d is padding", y).isEqualTo(padding);
                }
            }
        }
    }

    @Test
    void sameSizeImageIsCopiedWithoutResampling() {
        try (Mat src = TestImages.gradient(64, 40);
             LetterboxedImage img = LetterboxedImage.of(src, 64, 64);
             UByteIndexer in = src.createIndexer();
             UByteIndexer out = img.mat().createIndexer()) {
            assertThat(img.geometry().resizes()).isFalse();
            assertThat(img.geometry().padTop()).isEqualTo(12);
            for (int y = 0; y < 40; y++) {
                for (int x = 0; x < 64; x++) {
                    for (int c = 0; c < 3; c++) {
                        assertThat(out.get(y + 12, x, c)).isEqualTo(in.get(y, x, c));
                    }
                }
            }
        }
    }

    @Test
    void closeIsIdempotentAndDoesNotCloseTheSource() {
        Mat src = TestImages.gradient(30, 20);
        LetterboxedImage img = LetterboxedImage.of(src, 32, 32);
        img.close();
        img.close();
        assertThat(img.isClosed()).isTrue();
        assertThatThrownBy(img::mat).isInstanceOf(IllegalStateException.class);
        assertThat(src.isNull()).isFalse();
        assertThat(src.cols()).isEqualTo(30);
        src.close();
    }

    @Test
    void refusesImagesThatAreNotBgr() {
        try (Mat gray = new Mat(10, 10, CV_8UC1); Mat empty = new Mat()) {
            assertThatThrownBy(() -> LetterboxedImage.of(gray, 32, 32))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CV_8UC3");
            assertThatThrownBy(() -> LetterboxedImage.of(empty, 32, 32))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        }
    }

    private static boolean rowIsGrey(UByteIndexer px, int y, int width) {
        for (int x = 0; x < width; x++) {
            for (int c = 0; c < 3; c++) {
                if (px.get(y, x, c) != LetterboxedImage.PAD_VALUE) {
                    return false;
                }
            }
        }
        return true;
    }
}
