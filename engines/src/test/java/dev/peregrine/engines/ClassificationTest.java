package dev.peregrine.engines;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link Classification#top}: most probable first, ties in class order, at most the class count. */
class ClassificationTest {

    @Test
    void topKSortsDescendingWithStableTies() {
        Classification c = Classification.top(new float[] {0.1f, 0.3f, 0.2f, 0.3f, 0.1f}, 4);
        assertThat(c.classIds()).containsExactly(1, 3, 2, 0);
        assertThat(c.probabilities()).containsExactly(0.3f, 0.3f, 0.2f, 0.1f);
        assertThat(c.top1()).isEqualTo(1);
        assertThat(Classification.top(new float[] {0.5f, 0.5f}, 5).size()).isEqualTo(2);
    }
}
