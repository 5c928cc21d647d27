package dev.peregrine.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.engines.Device;
import dev.peregrine.server.batch.BatchPolicy;
import dev.peregrine.server.model.DefaultModelLoader;
import dev.peregrine.server.model.ModelSpec;
import dev.peregrine.server.model.ServedModel;
import dev.peregrine.testing.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real server for end-to-end tests: the bundled demo checkpoint {@code models/shapes-yolov8n.pt} as model
 * {@code shapes}, exported by Peregrine into {@code cache} on load ({@code -Dperegrine.cache}, restored on close),
 * ONNX Runtime CPU, batches of up to 4 within 2 ms, REST and gRPC on free ports. Skips (fails on CI) without the
 * reference fixtures.
 */
public final class DemoModelServer implements AutoCloseable {
    private final ServerRuntime runtime;
    private final String previousCache;

    private DemoModelServer(ServerRuntime runtime, String previousCache) {
        this.runtime = runtime;
        this.previousCache = previousCache;
    }

    /** Starts the server and waits until the model is ready. */
    public static DemoModelServer start(Path cache) throws Exception {
        Fixtures.root();
        Path pt = Path.of(System.getProperty("peregrine.root", "..")).resolve("models/shapes-yolov8n.pt");
        assertThat(pt).isRegularFile();
        String previous = System.setProperty("peregrine.cache", cache.toString());
        EngineTensorViews views = new EngineTensorViews();
        BatchPolicy policy = new BatchPolicy(4, new int[0], Duration.ofMillis(2), 64L << 20, 64,
                Duration.ofSeconds(30));
        ServerRuntime runtime = ServerRuntime.start(HttpServerConfig.defaults(0)
                        .withRequestTimeout(Duration.ofSeconds(60)).withGrpcPort(0),
                List.of(new ModelSpec("shapes", pt, Device.CPU, policy, 1)),
                views.recording(DefaultModelLoader.standard(views.opener(40_000_000L))), views);
        DemoModelServer server = new DemoModelServer(runtime, previous);
        runtime.registry().loaded().get(10, TimeUnit.MINUTES);
        ServedModel m = runtime.registry().get("shapes").orElseThrow();
        assertThat(m.state()).as("load failure: %s", m.failure()).isEqualTo(ServedModel.State.READY);
        return server;
    }

    /** The REST port. */
    public int port() {
        return runtime.port();
    }

    /** The gRPC port. */
    public int grpcPort() {
        return runtime.grpcPort();
    }

    /** Stops the server and restores the export cache setting. */
    @Override
    public void close() {
        runtime.shutdown();
        if (previousCache == null) {
            System.clearProperty("peregrine.cache");
        } else {
            System.setProperty("peregrine.cache", previousCache);
        }
    }
}
