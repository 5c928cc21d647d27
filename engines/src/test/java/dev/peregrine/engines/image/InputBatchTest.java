package dev.peregrine.engines.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** Tensor layout of {@link InputBatch}: RGB planes, CHW, /255, one slot per image. */
class InputBatchTest {

    @Test
    void writesRgbPlanesDividedBy255() {
        try (Mat src = TestImages.gradient(48, 32);
             LetterboxedImage img = LetterboxedImage.of(src, 48, 32);
             InputBatch batch = new InputBatch(1, 32, 48);
             UByteIndexer px = img.mat().createIndexer()) {
            batch.put(0, img);
            FloatBuffer t = batch.buffer();
            assertThat(t.position()).isZero();
            assertThat(t.limit()).isEqualTo(3 * 32 * 48);
            int plane = 32 * 48;
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 48; x++) {
                    int i = y * 48 + x;
                    assertThat(t.get(i)).isEqualTo(px.get(y, x, 2) / 255f); // red
                    assertThat(t.get(plane + i)).isEqualTo(px.get(y, x, 1) / 255f); // green
                    assertThat(t.get(2 * plane + i)).isEqualTo(px.get(y, x, 0) / 255f); // blue
                }
            }
        }
    }

    @Test
    void writingSlotOneLeavesSlotZeroUntouched() {
        try (Mat a = TestImages.gradient(40, 40);
             Mat b = TestImages.gradient(20, 40);
             LetterboxedImage first = LetterboxedImage.of(a, 32, 32);
             LetterboxedImage second = LetterboxedImage.of(b, 32, 32);
             InputBatch batch = new InputBatch(3, 32, 32)) {
            int n = batch.floatsPerImage();
            batch.put(0, first);
            float[] slot0 = slot(batch, 0, n);
            batch.put(1, second);
            assertThat(slot(batch, 0, n)).containsExactly(slot0);
            float[] slot1 = slot(batch, 1, n);
            assertThat(slot1).isNotEqualTo(slot0);
            // Slot 2 was never written: still zero.
            assertThat(slot(batch, 2, n)).containsOnly(0f);
            // Rewriting slot 1 with the first image gives the first image's values.
            batch.put(1, first);
            assertThat(slot(batch, 1, n)).containsExactly(slot0);
        }
    }

    @Test
    void refusesWrongSlotWrongSizeAndUseAfterClose() {
        try (Mat a = TestImages.gradient(40, 40);
             LetterboxedImage img = LetterboxedImage.of(a, 32, 32);
             LetterboxedImage other = LetterboxedImage.of(a, 64, 32)) {
            InputBatch batch = new InputBatch(2, 32, 32);
            assertThatThrownBy(() -> batch.put(2, img)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("slot 2");
            assertThatThrownBy(() -> batch.put(-1, img)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> batch.put(0, other)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("64x32");
            assertThat(batch.maxBatch()).isEqualTo(2);
            assertThat(batch.height()).isEqualTo(32);
            assertThat(batch.width()).isEqualTo(32);
            batch.close();
            batch.close();
            assertThatThrownBy(() -> batch.put(0, img)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(batch::buffer).isInstanceOf(IllegalStateException.class);
        }
        assertThatThrownBy(() -> new InputBatch(0, 32, 32)).isInstanceOf(IllegalArgumentException.class);
    }

    private static float[] slot(InputBatch batch, int slot, int n) {
        float[] out = new float[n];
        FloatBuffer buf = batch.buffer();
        buf.position(slot * n);
        buf.get(out);
        return out;
    }
}
