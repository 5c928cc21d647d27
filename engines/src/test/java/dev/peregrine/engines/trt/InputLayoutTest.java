package dev.peregrine.engines.trt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import org.junit.jupiter.api.Test;

class InputLayoutTest {
    private static EngineTensor input(ElementType type, long[] shape, ShapeProfile profile) {
        return new EngineTensor("images", true, type, shape, profile);
    }

    @Test
    void dynamicBatchInputIsSizedForTheLargestBatch() throws Exception {
        EngineTensor in = TestHeaders.dynamic(TestHeaders.TRT11_L4, -1).inputs().get(0);
        InputLayout l = InputLayout.of(in, TestHeaders.model(-1));
        assertThat(l.shape(8)).containsExactly(8, 3, 160, 160);
        assertThat(l.imageElements()).isEqualTo(3 * 160 * 160);
        assertThat(l.bytes(8)).isEqualTo(8L * 3 * 160 * 160 * 4);
    }

    @Test
    void fp16InputNeedsHalfTheBytes() throws Exception {
        EngineTensor in = input(ElementType.FLOAT16, new long[] {1, 3, 160, 160}, ShapeProfile.fixed(new long[] {1, 3, 160, 160}));
        assertThat(InputLayout.of(in, TestHeaders.model(1)).bytes(1)).isEqualTo(3L * 160 * 160 * 2);
    }

    @Test
    void dynamicSpatialDimensionsTakeTheModelSizeWithinTheProfile() throws Exception {
        ShapeProfile p = new ShapeProfile(new long[] {1, 3, 32, 32}, new long[] {1, 3, 160, 160}, new long[] {4, 3, 640, 640});
        InputLayout l = InputLayout.of(input(ElementType.FLOAT32, new long[] {-1, 3, -1, -1}, p), TestHeaders.model(-1));
        assertThat(l.shape(4)).containsExactly(4, 3, 160, 160);

        ShapeProfile small = new ShapeProfile(new long[] {1, 3, 32, 32}, new long[] {1, 3, 64, 64}, new long[] {4, 3, 128, 128});
        assertThatThrownBy(() -> InputLayout.of(input(ElementType.FLOAT32, new long[] {-1, 3, -1, -1}, small), TestHeaders.model(-1)))
                .isInstanceOf(PeregrineException.class)
                .hasMessageContaining("does not admit images of 3x160x160");
    }

    @Test
    void fixedDimensionsMustAgreeWithTheModel() {
        EngineTensor in = input(ElementType.FLOAT32, new long[] {1, 3, 320, 320}, ShapeProfile.fixed(new long[] {1, 3, 320, 320}));
        assertThatThrownBy(() -> InputLayout.of(in, TestHeaders.model(1)))
                .isInstanceOf(PeregrineException.class)
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.BAD_INPUT))
                .hasMessageContaining("1x3x320x320").hasMessageContaining("3x160x160");
    }

    @Test
    void nonImageInputsAreUnsupported() {
        EngineTensor flat = input(ElementType.FLOAT32, new long[] {1, 76800}, ShapeProfile.fixed(new long[] {1, 76800}));
        assertThatThrownBy(() -> InputLayout.of(flat, TestHeaders.model(1))).hasMessageContaining("only NCHW");
        EngineTensor ints = input(ElementType.UINT8, new long[] {1, 3, 160, 160}, ShapeProfile.fixed(new long[] {1, 3, 160, 160}));
        assertThatThrownBy(() -> InputLayout.of(ints, TestHeaders.model(1))).hasMessageContaining("uint8");
    }
}
