package dev.peregrine.engines.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/**
 * {@link CenterCropImage} and {@link PilBilinear}: torchvision's resize size, Pillow's antialiased bilinear weights
 * (checked by hand on a 4-pixel row), identity at the same size.
 */
class CenterCropImageTest {

    @Test
    void shortSideBecomesTheSizeLikeTorchvision() {
        assertThat(CenterCropImage.resizedSize(810, 1080, 160, 160)).containsExactly(160, 213);
        assertThat(CenterCropImage.resizedSize(1080, 810, 160, 160)).containsExactly(213, 160);
        assertThat(CenterCropImage.resizedSize(300, 300, 224, 224)).containsExactly(224, 224);
        assertThat(CenterCropImage.resizedSize(300, 200, 224, 192)).containsExactly(224, 192);
    }

    @Test
    void pillowWeightsOnAFourPixelRow() {
        // 4 -> 2: support 2, first output weights 3/7, 3/7, 1/7 over inputs 0..2, second 1/7, 3/7, 3/7 over 1..3:
        // (0*3 + 100*3 + 200)/7 = 71.4 -> 71, (100 + 200*3 + 255*3)/7 = 209.3 -> 209.
        try (Mat src = new Mat(1, 4, CV_8UC3)) {
            byte[] px = {0, 0, 0, 100, 100, 100, (byte) 200, (byte) 200, (byte) 200, (byte) 255, (byte) 255,
                (byte) 255};
            src.data().put(px, 0, px.length);
            try (Mat out = PilBilinear.resizeWindow(src, 2, 1, 0, 0, 2, 1)) {
                byte[] got = new byte[6];
                out.data().get(got);
                assertThat(got[0] & 0xFF).isEqualTo(71);
                assertThat(got[3] & 0xFF).isEqualTo(209);
            }
        }
    }

    @Test
    void sameSizeIsTheIdentityAndTheCropIsCentred() {
        try (Mat src = new Mat(6, 4, CV_8UC3)) {
            byte[] px = new byte[6 * 4 * 3];
            for (int i = 0; i < px.length; i++) {
                px[i] = (byte) (i * 7);
            }
            src.data().put(px, 0, px.length);
            try (CenterCropImage img = CenterCropImage.of(src, 4, 4)) {
                // 4x6 -> short side already 4: rows 1..4 kept (round((6 - 4) / 2) = 1).
                byte[] got = new byte[4 * 4 * 3];
                img.mat().data().get(got);
                for (int i = 0; i < got.length; i++) {
                    assertThat(got[i]).isEqualTo(px[i + 4 * 3]);
                }
                assertThat(img.originalHeight()).isEqualTo(6);
                assertThat(img.bytes()).isEqualTo(48);
            }
        }
    }

    @Test
    void closeIsIdempotentAndTheSizeOutlivesTheMat() {
        try (Scalar grey = new Scalar(9, 9, 9, 0); Mat src = new Mat(6, 8, CV_8UC3, grey)) {
            CenterCropImage img = CenterCropImage.of(src, 4, 4);
            img.close();
            img.close();
            assertThat(img.isClosed()).isTrue();
            assertThatThrownBy(img::mat).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            // Queue accounting reads these after the batcher has closed the image: no native access.
            assertThat(img.width()).isEqualTo(4);
            assertThat(img.height()).isEqualTo(4);
            assertThat(img.bytes()).isEqualTo(48);
            assertThat(src.isNull()).as("the source is not taken over").isFalse();
        }
    }
}
