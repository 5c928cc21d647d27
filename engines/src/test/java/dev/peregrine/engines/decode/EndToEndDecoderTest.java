package dev.peregrine.engines.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import org.junit.jupiter.api.Test;

class EndToEndDecoderTest {
    private static final float[] ROWS = {
        10, 10, 20, 20, 0.9f, 2,
        30, 30, 40, 40, 0.8f, 0,
        10, 10, 20, 20, 0.7f, 2,
        50, 50, 60, 60, 0.25f, 1,
        70, 70, 80, 80, 0.1f, 1,
    };

    @Test
    void keepsRowsStrictlyAboveConfInOrder() throws Exception {
        var d = EndToEndDecoder.detect().decode(DecodeTestData.outputs(ROWS, 1, 5, 6), 0, DetectOptions.defaults());
        assertThat(d).extracting(Detection::score).containsExactly(0.9f, 0.8f, 0.7f);
        assertThat(d.get(0)).isEqualTo(new Detection(10, 10, 20, 20, 0.9f, 2));
    }

    @Test
    void classFilterThenMaxDet() throws Exception {
        var opts = DetectOptions.defaults().withClasses(new int[] {2}).withMaxDet(1);
        var d = EndToEndDecoder.detect().decode(DecodeTestData.outputs(ROWS, 1, 5, 6), 0, opts);
        assertThat(d).extracting(Detection::score).containsExactly(0.9f);
        opts = DetectOptions.defaults().withClasses(new int[] {0}).withMaxDet(1);
        d = EndToEndDecoder.detect().decode(DecodeTestData.outputs(ROWS, 1, 5, 6), 0, opts);
        assertThat(d).extracting(Detection::score).containsExactly(0.8f);
    }

    @Test
    void readsTheRequestedImageOfABatch() throws Exception {
        float[] two = new float[ROWS.length * 2];
        System.arraycopy(ROWS, 0, two, ROWS.length, ROWS.length);
        var d = EndToEndDecoder.detect().decode(DecodeTestData.outputs(two, 2, 5, 6), 1, DetectOptions.defaults());
        assertThat(d).hasSize(3);
        d = EndToEndDecoder.detect().decode(DecodeTestData.outputs(two, 2, 5, 6), 0, DetectOptions.defaults());
        assertThat(d).isEmpty();
    }

    @Test
    void rejectsAnotherLayout() {
        assertThatThrownBy(() -> EndToEndDecoder.detect().decode(DecodeTestData.outputs(new float[12], 1, 12, 1), 0,
                DetectOptions.defaults()))
                .isInstanceOfSatisfying(PeregrineException.class, e -> assertThat(e.code())
                        .isEqualTo(ErrorCode.ENGINE_FAILURE));
    }
}
