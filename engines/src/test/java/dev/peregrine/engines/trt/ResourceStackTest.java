package dev.peregrine.engines.trt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceStackTest {
    @Test
    void releasesInReverseOrderOnceAndCarriesOnAfterAFailure() {
        List<String> freed = new ArrayList<>();
        ResourceStack s = new ResourceStack();
        s.push("runtime", () -> freed.add("runtime"));
        s.push("engine", () -> freed.add("engine"));
        s.push("buffer", () -> {
            freed.add("buffer");
            throw new IllegalStateException("cudaFree failed");
        });
        s.push("stream", () -> freed.add("stream"));
        assertThat(s.size()).isEqualTo(4);

        s.close();
        s.close();

        assertThat(freed).containsExactly("stream", "buffer", "engine", "runtime");
        assertThat(s.failures()).containsExactly("buffer: cudaFree failed");
        assertThat(s.isClosed()).isTrue();
        assertThat(s.size()).isZero();
    }

    @Test
    void refusesNewResourcesAfterClose() {
        ResourceStack s = new ResourceStack();
        s.close();
        assertThatThrownBy(() -> s.push("late", () -> { })).isInstanceOf(IllegalStateException.class).hasMessageContaining("late");
    }
}
