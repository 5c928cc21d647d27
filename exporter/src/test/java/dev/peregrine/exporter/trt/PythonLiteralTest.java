package dev.peregrine.exporter.trt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PythonLiteralTest {
    @Test
    void parsesTheLiteralsUltralyticsWrites() {
        assertThat(PythonLiteral.parse("{0: 'person', 1: \"o'neil\", 2: 'a\\'b', 3: 'caf\\xe9'}"))
                .isEqualTo(Map.of(0L, "person", 1L, "o'neil", 2L, "a'b", 3L, "café"));
        assertThat(PythonLiteral.parse("[640, 640]")).isEqualTo(List.of(640L, 640L));
        assertThat(PythonLiteral.parse("(17, 3)")).isEqualTo(List.of(17L, 3L));
        Map<?, ?> args = (Map<?, ?>) PythonLiteral.parse("{'half': False, 'nms': True, 'opset': None, 'conf': 0.25, 'x': []}");
        assertThat(new java.util.ArrayList<Object>(args.keySet())).containsExactly("half", "nms", "opset", "conf", "x");
        assertThat(args.get("half")).isEqualTo(false);
        assertThat(args.get("nms")).isEqualTo(true);
        assertThat(args.containsKey("opset") && args.get("opset") == null).isTrue();
        assertThat(args.get("conf")).isEqualTo(0.25);
        assertThat(args.get("x")).isEqualTo(List.of());
        assertThat(PythonLiteral.parse(" -3 ")).isEqualTo(-3L);
    }

    @Test
    void rejectsNonLiteralsWithThePosition() {
        assertThatThrownBy(() -> PythonLiteral.parse("{0: 'a'")).hasMessageContaining("unexpected end");
        assertThatThrownBy(() -> PythonLiteral.parse("[1, 2] x")).hasMessageContaining("offset 7");
        assertThatThrownBy(() -> PythonLiteral.parse("{0 'a'}")).hasMessageContaining("':' expected");
        assertThatThrownBy(() -> PythonLiteral.parse("'abc")).hasMessageContaining("unterminated string");
    }
}
