package dev.peregrine.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.server.http.HttpServerConfig;
import dev.peregrine.server.model.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code peregrine serve}: options, defaults and option errors (the running server: {@link ServeProcessTest}). */
class ServeCommandTest {
    private static final Path ROOT = Path.of(System.getProperty("peregrine.root", "..")).toAbsolutePath().normalize();

    private static ServeCommand parse(String... args) {
        ServeCommand cmd = new ServeCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd;
    }

    @Test
    void withoutModelsServesTheBundledDemoModelAsShapes() throws Exception {
        List<ModelSpec> specs = parse().modelSpecs();
        assertThat(specs).hasSize(1);
        assertThat(specs.get(0).name()).isEqualTo("shapes");
        assertThat(specs.get(0).path()).isEqualTo(ROOT.resolve("models/shapes-yolov8n.pt"));
        assertThat(specs.get(0).policy().maxBatch()).isEqualTo(8);
        assertThat(specs.get(0).policy().maxQueueItems()).isEqualTo(512);
        assertThat(specs.get(0).policy().maxQueueBytes()).isEqualTo(256L << 20);
        HttpServerConfig http = parse().httpConfig();
        assertThat(http.host()).isEqualTo("0.0.0.0");
        assertThat(http.port()).isEqualTo(8080);
        assertThat(http.bodyLimitBytes()).isEqualTo(20L << 20);
        assertThat(http.maxPixels()).isEqualTo(40_000_000L);
        assertThat(http.corsOrigin()).isNull();
        assertThat(http.requestTimeout().toMillis()).isEqualTo(10_000);
        assertThat(http.grpcPort()).as("gRPC is off unless asked for").isEqualTo(-1);
    }

    @Test
    void optionsReachTheSpecsAndTheConfig(@TempDir Path tmp) throws Exception {
        Path onnx = Files.createFile(tmp.resolve("my model.onnx"));
        ServeCommand cmd = parse("--model", "a=" + onnx, "--model", onnx.toString(), "--max-batch", "4",
                "--preferred-batch", "2,4", "--max-delay-ms", "3", "--queue-mb", "64", "--queue-items", "100",
                "--timeout-ms", "2500", "--instances", "2", "--device", "cpu", "--port", "0", "--host", "127.0.0.1",
                "--api-key", "k", "--cors", "*", "--body-limit-mb", "5", "--max-pixels", "1000", "--workers", "3",
                "--grpc-port", "8001");
        List<ModelSpec> specs = cmd.modelSpecs();
        assertThat(specs).extracting(ModelSpec::name).containsExactly("a", "my_model");
        assertThat(specs.get(0).instances()).isEqualTo(2);
        assertThat(specs.get(0).policy().preferredSizes()).containsExactly(2, 4);
        assertThat(specs.get(0).policy().maxQueueDelay().toMillis()).isEqualTo(3);
        assertThat(specs.get(0).policy().maxQueueItems()).isEqualTo(100);
        HttpServerConfig http = cmd.httpConfig();
        assertThat(http.apiKey()).isEqualTo("k");
        assertThat(http.corsOrigin()).isEqualTo("*");
        assertThat(http.bodyLimitBytes()).isEqualTo(5L << 20);
        assertThat(http.admissionBytes()).isEqualTo(64L << 20);
        assertThat(http.workerThreads()).isEqualTo(3);
        assertThat(http.grpcPort()).isEqualTo(8001);
    }

    @Test
    void badOptionsAreClearErrors(@TempDir Path tmp) throws Exception {
        Path onnx = Files.createFile(tmp.resolve("m.onnx"));
        assertThatThrownBy(() -> parse("--port", "70000").httpConfig()).hasMessageContaining("--port");
        assertThatThrownBy(() -> parse("--grpc-port", "-2").httpConfig()).hasMessageContaining("--grpc-port");
        assertThatThrownBy(() -> parse("--port", "9000", "--grpc-port", "9000").httpConfig())
                .hasMessage("--grpc-port must differ from --port (9000)");
        assertThatThrownBy(() -> parse("--model", "x=" + tmp.resolve("missing.onnx")).modelSpecs())
                .isInstanceOf(PeregrineException.class)
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.NOT_FOUND))
                .hasMessageContaining("missing.onnx");
        assertThatThrownBy(() -> parse("--model", "../x=" + onnx).modelSpecs()).hasMessageContaining("name");
        assertThatThrownBy(() -> parse("--model", "a=" + onnx, "--model", "a=" + onnx).modelSpecs())
                .hasMessageContaining("used twice");
        assertThatThrownBy(() -> parse("--max-batch", "4", "--preferred-batch", "8").modelSpecs())
                .hasMessageContaining("8");
        assertThatThrownBy(() -> parse("--device", "tpu").modelSpecs()).hasMessageContaining("tpu");

        CliRun r = CliRun.run("serve", "--timeout-ms", "0");
        assertThat(r.exit()).isEqualTo(CliErrors.EXIT_FAILURE);
        assertThat(r.err()).startsWith("error: --timeout-ms");
    }
}
