package dev.peregrine.server.http;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Base of the route tests that each run against a fresh default {@link TestServer} ({@code shapes} on a fast
 * {@link FakeDetector}, with the fake tensor model): started before every test on the test's Vert.x, shut down
 * after it.
 */
@ExtendWith(VertxExtension.class)
abstract class DefaultServerTestBase {
    /** The server of the running test. */
    TestServer server;

    @BeforeEach
    void startServer(Vertx vertx) throws Exception {
        server = TestServer.start(vertx);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }
}
