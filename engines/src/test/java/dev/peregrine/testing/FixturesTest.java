package dev.peregrine.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FixturesTest {
    @Test
    void readsTheSharedInputTensor() throws Exception {
        Npy input = Npy.read(Fixtures.file("tiny/bus.input.npy"));
        assertThat(input.shape).containsExactly(1, 3, 160, 160);
        float min = 1f, max = 0f;
        for (float v : input.data) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(min).isGreaterThanOrEqualTo(0f);
        assertThat(max).isLessThanOrEqualTo(1f).isGreaterThan(0.5f);
        assertThat(Fixtures.model("tiny", "yolov8n").get("nc").asInt()).isEqualTo(8);
    }
}
