package dev.peregrine.engines.trt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.PeregrineException;
import org.junit.jupiter.api.Test;

class TrtVersionTest {
    @Test
    void decodesBothLibraryVersionSchemes() {
        assertThat(TrtVersion.fromLibraryCode(100300)).isEqualTo(new TrtVersion(10, 3, 0));
        assertThat(TrtVersion.fromLibraryCode(101501)).isEqualTo(new TrtVersion(10, 15, 1));
        assertThat(TrtVersion.fromLibraryCode(110201)).isEqualTo(new TrtVersion(11, 2, 1));
        assertThat(TrtVersion.fromLibraryCode(8601)).isEqualTo(new TrtVersion(8, 6, 1));
    }

    @Test
    void parsesAndPrints() throws Exception {
        assertThat(TrtVersion.parse("10.3.0")).hasToString("10.3.0");
        assertThat(TrtVersion.parse("11.2")).isEqualTo(new TrtVersion(11, 2, 0));
        assertThat(TrtVersion.parse("10.3.0.26")).isEqualTo(new TrtVersion(10, 3, 0));
        assertThatThrownBy(() -> TrtVersion.parse("ten")).isInstanceOf(PeregrineException.class).hasMessageContaining("'ten'");
        assertThatThrownBy(() -> TrtVersion.parse("10")).isInstanceOf(PeregrineException.class);
    }
}
