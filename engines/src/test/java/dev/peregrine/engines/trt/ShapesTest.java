package dev.peregrine.engines.trt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.PeregrineException;
import org.junit.jupiter.api.Test;

class ShapesTest {
    @Test
    void parsesAndFormatsShapes() throws Exception {
        assertThat(Shapes.parse("1x3x640x640")).containsExactly(1, 3, 640, 640);
        assertThat(Shapes.parse(" 8,3,320,320 ")).containsExactly(8, 3, 320, 320);
        assertThat(Shapes.format(new long[] {-1, 3, 640, 640})).isEqualTo("?x3x640x640");
    }

    @Test
    void rejectsBadShapesNamingThePart() {
        assertThatThrownBy(() -> Shapes.parse("1x3xabcx640")).isInstanceOf(PeregrineException.class).hasMessageContaining("'abc'");
        assertThatThrownBy(() -> Shapes.parse("0x3x640x640")).hasMessageContaining("dimension 0 must be >= 1");
        assertThatThrownBy(() -> Shapes.parse("  ")).hasMessageContaining("empty shape");
    }

    @Test
    void elementCountChecksDynamicAndOverflow() {
        assertThat(Shapes.elementCount(new long[] {8, 84, 8400})).isEqualTo(8L * 84 * 8400);
        assertThat(Shapes.elementCount(new long[0])).isEqualTo(1);
        assertThatThrownBy(() -> Shapes.elementCount(new long[] {-1, 3})).hasMessageContaining("dynamic");
        assertThatThrownBy(() -> Shapes.elementCount(new long[] {1L << 40, 1L << 40})).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void profileValidatesOrderAndRank() {
        ShapeProfile p = new ShapeProfile(new long[] {1, 3, 64, 64}, new long[] {4, 3, 64, 64}, new long[] {8, 3, 64, 64});
        assertThat(p.isFixed()).isFalse();
        assertThat(p.admits(new long[] {5, 3, 64, 64})).isTrue();
        assertThat(p.admits(new long[] {9, 3, 64, 64})).isFalse();
        assertThat(p.admits(new long[] {5, 3, 64})).isFalse();
        assertThat(ShapeProfile.fixed(new long[] {1, 3, 64, 64}).isFixed()).isTrue();
        assertThatThrownBy(() -> new ShapeProfile(new long[] {4, 3}, new long[] {2, 3}, new long[] {8, 3}))
                .hasMessageContaining("min <= opt <= max");
        assertThatThrownBy(() -> new ShapeProfile(new long[] {1, 3}, new long[] {2, 3}, new long[] {8}))
                .hasMessageContaining("rank");
        assertThatThrownBy(() -> ShapeProfile.fixed(new long[] {0, 3})).hasMessageContaining("1 <= min");
    }
}
