package dev.peregrine.engines.trt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.PeregrineException;
import org.junit.jupiter.api.Test;

class ElementTypeTest {
    @Test
    void mapsTensorRtAndOnnxNames() throws Exception {
        assertThat(ElementType.fromTensorRt("kHALF")).isEqualTo(ElementType.FLOAT16);
        assertThat(ElementType.fromTensorRt("kFLOAT").bytes()).isEqualTo(4);
        assertThat(ElementType.parse("float16")).isEqualTo(ElementType.FLOAT16);
        assertThat(ElementType.parse("int64").bytes()).isEqualTo(8);
        assertThat(ElementType.FLOAT16.isFloatConvertible()).isTrue();
        assertThat(ElementType.INT8.isFloatConvertible()).isFalse();
        assertThatThrownBy(() -> ElementType.fromTensorRt("kFP8")).isInstanceOf(PeregrineException.class).hasMessageContaining("kFP8");
    }
}
