package dev.peregrine.bench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.bench.run.EncodedImage;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.image.ImageDecoder;
import dev.peregrine.engines.image.InputBatch;
import dev.peregrine.engines.image.LetterboxedImage;
import dev.peregrine.testing.Fixtures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class TensorPayloadsTest {

    private static EncodedImage fixture(String file) throws Exception {
        return new EncodedImage(file, Files.readAllBytes(Fixtures.file("trained/images/val/" + file)));
    }

    /** The model input of one image as the server's detect route computes it: letterbox, RGB, CHW, / 255. */
    private static float[] reference(EncodedImage image, int h, int w) throws Exception {
        try (InputBatch batch = new InputBatch(1, h, w);
             Mat bgr = ImageDecoder.decode(image.bytes(), ImageDecoder.DEFAULT_MAX_PIXELS);
             LetterboxedImage boxed = LetterboxedImage.of(bgr, w, h)) {
            batch.put(0, boxed);
            float[] out = new float[3 * h * w];
            batch.buffer().get(out);
            return out;
        }
    }

    private static float[] floats(byte[] littleEndian, int from, int count) {
        float[] out = new float[count];
        ByteBuffer.wrap(littleEndian).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().position(from).get(out);
        return out;
    }

    @Test
    void requestsStackConsecutiveImagesAsLittleEndianModelInputsAndWrapAround() throws Exception {
        List<EncodedImage> images = List.of(fixture("000001.jpg"), fixture("000002.jpg"), fixture("000003.jpg"));
        TensorInput input = new TensorInput("images", 2, 320, 256);
        List<byte[]> tensors = TensorPayloads.build(images, input, TensorPayloads.DEFAULT_BUDGET);

        // 3 images in pairs: 2 requests, the second one wraps to the first image
        assertThat(tensors).hasSize(2).allSatisfy(t -> assertThat((long) t.length).isEqualTo(input.bytes()));
        int per = 3 * 320 * 256;
        assertThat(floats(tensors.get(0), 0, per)).containsExactly(reference(images.get(0), 320, 256));
        assertThat(floats(tensors.get(0), per, per)).containsExactly(reference(images.get(1), 320, 256));
        assertThat(floats(tensors.get(1), 0, per)).containsExactly(reference(images.get(2), 320, 256));
        assertThat(floats(tensors.get(1), per, per)).containsExactly(reference(images.get(0), 320, 256));
    }

    @Test
    void theByteBudgetCapsHowManyRequestsArePrepared() {
        TensorInput input = new TensorInput("images", 1, 640, 640); // 4.9 MB a request
        assertThat(TensorPayloads.count(1000, input, 128L << 20)).isEqualTo(27);
        assertThat(TensorPayloads.count(3, input, 128L << 20)).isEqualTo(3);
        assertThat(TensorPayloads.count(1000, input, 1)).as("at least one request").isEqualTo(1);
        assertThat(TensorPayloads.count(5, new TensorInput("images", 2, 32, 32), 1L << 20)).isEqualTo(3);
    }

    @Test
    void anImageThatDoesNotDecodeIsNamed() {
        List<EncodedImage> images = List.of(new EncodedImage("broken.jpg", new byte[] {1, 2, 3, 4}));
        assertThatThrownBy(() -> TensorPayloads.build(images, new TensorInput("images", 1, 32, 32), 1L << 20))
                .isInstanceOf(PeregrineException.class).hasMessageStartingWith("broken.jpg: ");
    }

    @Test
    void theServedInputMustBeAFixedSizeFp32ImageBatch() throws Exception {
        assertThat(TensorInput.of("m", "images", "FP32", List.of(-1L, 3L, 320L, 320L), 4))
                .isEqualTo(new TensorInput("images", 4, 320, 320));
        assertThat(TensorInput.of("m", "images", "FP32", List.of(2L, 3L, 480L, 640L), 2).shape())
                .containsExactly(2, 3, 480, 640);
        assertThatThrownBy(() -> TensorInput.of("m", "images", "FP32", List.of(1L, 3L, 640L, 640L), 4))
                .hasMessageContaining("batches of exactly 1").hasMessageContaining("--batch 1");
        assertThatThrownBy(() -> TensorInput.of("m", "images", "FP32", List.of(-1L, 3L, -1L, -1L), 1))
                .hasMessageContaining("variable height or width");
        assertThatThrownBy(() -> TensorInput.of("m", "images", "FP16", List.of(-1L, 3L, 320L, 320L), 1))
                .hasMessageContaining("is FP16");
        assertThatThrownBy(() -> TensorInput.of("m", "x", "FP32", List.of(-1L, 320L, 320L), 1))
                .hasMessageContaining("[batch, 3, height, width]");
    }
}
