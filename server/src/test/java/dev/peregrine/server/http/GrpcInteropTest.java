package dev.peregrine.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with the reference gRPC implementation: Python's grpcio (gRPC's C core, what tritonclient.grpc
 * uses) with stubs that {@code grpc_tools.protoc} generates from Peregrine's {@code grpc_predict_v2.proto}, against
 * the server's gRPC port. Needs Debian's {@code python3-grpcio} and {@code python3-grpc-tools}: skipped without
 * them, failed under {@code CI=true} (CI installs them through {@code .ci/packages}).
 */
@ExtendWith(VertxExtension.class)
class GrpcInteropTest {
    @TempDir
    Path tmp;

    /** {@code $PEREGRINE_PYTHON}, else Debian's python3 (whose grpcio the packages provide). */
    private static String python() throws Exception {
        String python = System.getenv().getOrDefault("PEREGRINE_PYTHON", "/usr/bin/python3");
        boolean usable = Files.isExecutable(Path.of(python))
                && run(List.of(python, "-c", "import grpc, grpc_tools.protoc"), Path.of(".")).exit() == 0;
        if (!usable) {
            String msg = python + " with grpcio and grpc_tools is needed (apt-get install -y python3-grpcio "
                    + "python3-grpc-tools)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg + ": CI must have it (.ci/packages)");
            }
            Assumptions.abort(msg + ": skipping the interop test");
        }
        return python;
    }

    private record Ran(int exit, String output) {
    }

    private static Ran run(List<String> cmd, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + cmd);
        }
        return new Ran(p.exitValue(), out);
    }

    @Test
    void theReferenceGrpcStackTalksToTheServer(Vertx vertx) throws Exception {
        String python = python();
        Path proto = Path.of("src/main/proto/grpc_predict_v2.proto").toAbsolutePath();
        Ran gen = run(List.of(python, "-m", "grpc_tools.protoc", "-I", proto.getParent().toString(),
                "--python_out=" + tmp, "--grpc_python_out=" + tmp, proto.getFileName().toString()), tmp);
        assertThat(gen.exit()).as(gen.output()).isZero();
        Path script = tmp.resolve("interop.py");
        try (InputStream in = GrpcInteropTest.class.getResourceAsStream("/grpc/interop.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        try (TestServer s = TestServer.start(vertx, HttpServerConfig.defaults(0).withGrpcPort(0),
                new FakeDetector(0), TestServer.policy(8, 64, Duration.ofSeconds(10)))) {
            Ran r = run(List.of(python, script.toString(), tmp.toString(),
                    Integer.toString(s.server.grpcPort())), tmp);
            assertThat(r.exit()).as(r.output()).isZero();
            Map<String, JsonObject> checks = new HashMap<>();
            r.output().lines().filter(l -> l.startsWith("{")).map(JsonObject::new)
                    .forEach(j -> checks.put(j.getString("check"), j));

            assertThat(checks.get("health").getBoolean("live")).isTrue();
            assertThat(checks.get("health").getBoolean("ready")).isTrue();
            JsonObject meta = checks.get("metadata");
            assertThat(meta.getString("name")).isEqualTo("shapes");
            assertThat(meta.getJsonArray("inputs").getJsonArray(0).encode()).isEqualTo("[\"images\",\"FP32\",[-1,3,4,4]]");
            assertThat(meta.getJsonArray("outputs").getJsonArray(0).encode()).isEqualTo("[\"output0\",\"FP32\",[-1,2,3]]");

            JsonObject infer = checks.get("infer");
            assertThat(infer.getString("id")).isEqualTo("interop-1");
            assertThat(infer.getString("name")).isEqualTo("output0");
            assertThat(infer.getJsonArray("shape").encode()).isEqualTo("[2,2,3]");
            float[] values = new float[2 * 3 * 4 * 4];
            for (int i = 0; i < values.length; i++) {
                values[i] = (i % 17) / 17f;
            }
            float[] expected = FakeTensorModel.expected(FloatBuffer.wrap(values), 2);
            JsonArray data = infer.getJsonArray("data");
            assertThat(data).hasSize(expected.length);
            for (int i = 0; i < expected.length; i++) {
                assertThat(data.getFloat(i)).as("output[%d]", i).isEqualTo(expected[i]);
            }
            assertThat(checks.get("bad-datatype").getString("code")).isEqualTo("INVALID_ARGUMENT");
            assertThat(checks.get("bad-datatype").getString("details")).contains("datatype FP32");
            assertThat(checks.get("unknown-model").getString("code")).isEqualTo("NOT_FOUND");
            assertThat(checks.get("repository").getJsonArray("models").encode())
                    .isEqualTo("[[\"shapes\",\"1\",\"READY\"]]");
            assertThat(checks.get("load").getString("code")).isEqualTo("FAILED_PRECONDITION");
            assertThat(checks.get("load").getString("details")).contains("explicit model control is not available");
            // C core's gzip message gets the status that says so, and the answer advertises identity
            assertThat(checks.get("gzip").getString("code")).isEqualTo("UNIMPLEMENTED");
            assertThat(checks.get("gzip").getString("details")).contains("compressed messages are not supported");
        }
    }
}
