package dev.peregrine.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Python repr as Ultralytics' metadata uses it. */
class PythonLiteralsTest {
    @Test
    void formatsLikePythonRepr() {
        Map<Object, Object> names = new LinkedHashMap<>();
        names.put(0L, "person");
        names.put(1L, "it's");
        names.put(2L, "say \"hi\"");
        names.put(3L, "both ' and \"");
        names.put(4L, "back\\slash\n");
        assertThat(PythonLiterals.repr(names)).isEqualTo(
                "{0: 'person', 1: \"it's\", 2: 'say \"hi\"', 3: 'both \\' and \"', 4: 'back\\\\slash\\n'}");
        assertThat(PythonLiterals.repr(List.of(640, 480))).isEqualTo("[640, 480]");
        assertThat(PythonLiterals.repr(Arrays.asList(true, false, null, 0.5, 2.0))).isEqualTo(
                "[True, False, None, 0.5, 2.0]");
    }
}
