package dev.peregrine.engines.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.testing.Npy;
import dev.peregrine.testing.Fixtures;
import java.nio.FloatBuffer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Parity with Ultralytics' predictor preprocessing: decode, letterbox and tensor conversion of bus.jpg equal the
 * reference input tensors produced by Ultralytics 8.4.7.
 */
class InputParityTest {
    private static final float ONE_LEVEL = 1f / 255f;

    @ParameterizedTest(name = "{0} at {1}")
    @CsvSource({"tiny/bus.input.npy, 160", "full/bus.input640.npy, 640"})
    void busTensorMatchesUltralytics(String reference, int size) throws Exception {
        Npy expected = Npy.read(Fixtures.file(reference));
        assertThat(expected.shape).containsExactly(1, 3, size, size);
        float[] actual = new float[expected.size()];
        try (Mat bgr = ImageDecoder.decode(TestImages.fixture("images/bus.jpg"), ImageDecoder.DEFAULT_MAX_PIXELS);
             LetterboxedImage img = LetterboxedImage.of(bgr, size, size);
             InputBatch batch = new InputBatch(2, size, size)) {
            batch.put(1, img);
            FloatBuffer buf = batch.buffer();
            buf.position(batch.floatsPerImage());
            buf.get(actual);
        }
        int within = 0;
        int exact = 0;
        float maxError = 0f;
        for (int i = 0; i < actual.length; i++) {
            float err = Math.abs(actual[i] - expected.data[i]);
            maxError = Math.max(maxError, err);
            if (err <= ONE_LEVEL + 1e-7f) {
                within++;
            }
            if (err == 0f) {
                exact++;
            }
        }
        double fraction = within / (double) actual.length;
        System.out.printf("bus.jpg at %d: max error %.6f (%.2f levels), %.5f%% within 1/255, %.5f%% exact%n",
                size, maxError, maxError * 255, fraction * 100, exact * 100.0 / actual.length);
        assertThat(fraction).as("fraction of elements within 1/255").isGreaterThanOrEqualTo(0.999);
    }
}
