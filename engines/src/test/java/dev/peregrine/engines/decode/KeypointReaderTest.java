package dev.peregrine.engines.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.EngineOutputs;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link KeypointReader} in both output layouts, with and without visibility. */
class KeypointReaderTest {

    @Test
    void readsTheColumnOfAnAnchor() {
        // [1, 4 + 1 + 6, 2]: two anchors, 2 keypoints x (x, y, v) after one score row.
        EngineOutputs out = DecodeTestData.anchorFree(7,
                new float[] {0, 0, 0, 0, 0, 1, 2, 0.5f, 3, 4, 0.25f},
                new float[] {0, 0, 0, 0, 0, 10, 20, 0.9f, 30, 40, 0.1f});
        Keypoints k = new KeypointReader(5, new int[] {2, 3}, ExtraLayout.ANCHOR_COLUMNS).read(out, 0, 1);
        assertThat(k.count()).isEqualTo(2);
        assertThat(k.coordinates()).containsExactly(10, 20, 30, 40);
        assertThat(k.confidence(0)).isEqualTo(0.9f);
        assertThat(k.hasConfidence()).isTrue();
    }

    @Test
    void readsARowWithoutVisibility() {
        float[] rows = {0, 0, 1, 1, 0.9f, 0, 5, 6, 7, 8, /* row 2 */ 0, 0, 1, 1, 0.8f, 0, 15, 16, 17, 18};
        EngineOutputs out = new EngineOutputs(List.of(new EngineOutputs.OutputTensor("output0",
                new long[] {1, 2, 10}, FloatBuffer.wrap(rows))));
        Keypoints k = new KeypointReader(6, new int[] {2, 2}, ExtraLayout.ROWS).read(out, 0, 1);
        assertThat(k.coordinates()).containsExactly(15, 16, 17, 18);
        assertThat(k.hasConfidence()).isFalse();
        assertThat(k.confidence(1)).isEqualTo(1f);
    }

    @Test
    void rejectsABadKeypointShape() {
        assertThatThrownBy(() -> new KeypointReader(5, new int[] {17, 4}, ExtraLayout.ROWS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kpt_shape");
    }
}
