package dev.peregrine.bench.loadgen;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.PeregrineException;
import java.net.URI;
import org.junit.jupiter.api.Test;

class LoopbackGuardTest {

    @Test
    void loopbackTargetsPass() {
        for (String u : new String[] {"http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:8080",
            "https://127.0.0.2/"}) {
            assertThatCode(() -> LoopbackGuard.check(URI.create(u), false)).as(u).doesNotThrowAnyException();
        }
    }

    @Test
    void remoteTargetsNeedAllowRemote() {
        assertThatThrownBy(() -> LoopbackGuard.check(URI.create("http://10.1.2.3:8080"), false))
                .isInstanceOf(PeregrineException.class).hasMessageContaining("--allow-remote")
                .hasMessageContaining("10.1.2.3");
        assertThatCode(() -> LoopbackGuard.check(URI.create("http://10.1.2.3:8080"), true))
                .doesNotThrowAnyException();
    }

    @Test
    void malformedTargetsAreRefused() {
        assertThatThrownBy(() -> LoopbackGuard.check(URI.create("ftp://127.0.0.1/"), true))
                .isInstanceOf(PeregrineException.class).hasMessageContaining("http");
        assertThatThrownBy(() -> LoopbackGuard.check(URI.create("http:/nohost"), true))
                .isInstanceOf(PeregrineException.class).hasMessageContaining("no host");
    }
}
