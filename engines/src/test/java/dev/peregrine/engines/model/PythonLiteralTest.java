package dev.peregrine.engines.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PythonLiteralTest {

    @Test
    void namesDictWithBothQuoteKinds() throws Exception {
        Object v = PythonLiteral.parse("{0: 'person', 1: \"it's\", 2: 'say \"hi\"'}");
        assertThat(v).isEqualTo(Map.of(0L, "person", 1L, "it's", 2L, "say \"hi\""));
        assertThat(List.copyOf(((Map<?, ?>) v).keySet())).isEqualTo(List.of(0L, 1L, 2L));
    }

    @Test
    void stringEscapes() throws Exception {
        assertThat(PythonLiteral.parse("'it\\'s'")).isEqualTo("it's");
        assertThat(PythonLiteral.parse("\"a\\\"b\"")).isEqualTo("a\"b");
        assertThat(PythonLiteral.parse("'back\\\\slash'")).isEqualTo("back\\slash");
        assertThat(PythonLiteral.parse("'tab\\tnew\\nline\\r'")).isEqualTo("tab\tnew\nline\r");
        assertThat(PythonLiteral.parse("'\\x41\\u00e9\\U0001F600'")).isEqualTo("A\u00e9\uD83D\uDE00");
        assertThat(PythonLiteral.parse("'\\101\\0'")).isEqualTo("A\0");
        assertThat(PythonLiteral.parse("'keep \\d'")).isEqualTo("keep \\d");
        assertThat(PythonLiteral.parse("'caf\u00e9 \u4eba'")).isEqualTo("caf\u00e9 \u4eba");
        assertThat(PythonLiteral.parse("'ab' \"cd\"")).isEqualTo("abcd");
        assertThat(PythonLiteral.parse("''")).isEqualTo("");
    }

    @Test
    void numbers() throws Exception {
        assertThat(PythonLiteral.parse("[1, -2, +3, 3.5, 1e-05, -0.25, .5, 2., 0x1f, 0o17, 0b101, 1_000]"))
                .isEqualTo(List.of(1L, -2L, 3L, 3.5, 1e-05, -0.25, 0.5, 2.0, 31L, 15L, 5L, 1000L));
        assertThat(PythonLiteral.parse("-inf")).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void constantsAndContainers() throws Exception {
        Object args = PythonLiteral.parse("{'batch': 1, 'half': False, 'dynamic': True, 'opset': None, 'x': (1, 2,),"
                + " 'e': [], 'd': {}, 's': {3, 4}}");
        Map<?, ?> m = (Map<?, ?>) args;
        assertThat(m.get("batch")).isEqualTo(1L);
        assertThat(m.get("half")).isEqualTo(false);
        assertThat(m.get("dynamic")).isEqualTo(true);
        assertThat(m.containsKey("opset")).isTrue();
        assertThat(m.get("opset")).isNull();
        assertThat(m.get("x")).isEqualTo(List.of(1L, 2L));
        assertThat(m.get("e")).isEqualTo(List.of());
        assertThat(m.get("d")).isEqualTo(Map.of());
        assertThat(m.get("s")).isEqualTo(List.of(3L, 4L));
        assertThat(PythonLiteral.parse(" [640, 640] ")).isEqualTo(List.of(640L, 640L));
        assertThat(PythonLiteral.parse("{0: ['nose', 'left_eye']}")).isEqualTo(Map.of(0L, List.of("nose", "left_eye")));
        assertThat(PythonLiteral.parse("None")).isNull();
    }

    @Test
    void malformedTextIsBadInputWithPosition() {
        for (String bad : Arrays.asList("{0: 'a'", "'abc", "foo", "[1 2]", "{0 'a'}", "", "1 2", "'\\x4'", "[1,,2]",
                "{0: 'a',, 1: 'b'}", "0x")) {
            assertThatThrownBy(() -> PythonLiteral.parse(bad), bad)
                    .isInstanceOfSatisfying(PeregrineException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
                        assertThat(e.getMessage()).contains("python literal at offset");
                    });
        }
    }
}
