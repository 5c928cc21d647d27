package dev.peregrine.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.server.http.HttpServerConfig;
import dev.peregrine.server.model.ModelSpec;
import dev.peregrine.testing.Fixtures;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code peregrine serve}: options, the default model, and a real process stopped with SIGTERM. */
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
    }

    @Test
    void optionsReachTheSpecsAndTheConfig(@TempDir Path tmp) throws Exception {
        Path onnx = Files.createFile(tmp.resolve("my model.onnx"));
        ServeCommand cmd = parse("--model", "a=" + onnx, "--model", onnx.toString(), "--max-batch", "4",
                "--preferred-batch", "2,4", "--max-delay-ms", "3", "--queue-mb", "64", "--queue-items", "100",
                "--timeout-ms", "2500", "--instances", "2", "--device", "cpu", "--port", "0", "--host", "127.0.0.1",
                "--api-key", "k", "--cors", "*", "--body-limit-mb", "5", "--max-pixels", "1000", "--workers", "3");
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
    }

    @Test
    void badOptionsAreClearErrors(@TempDir Path tmp) throws Exception {
        Path onnx = Files.createFile(tmp.resolve("m.onnx"));
        assertThatThrownBy(() -> parse("--port", "70000").httpConfig()).hasMessageContaining("--port");
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

        StringWriter err = new StringWriter();
        CommandLine cl = PeregrineCli.commandLine();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("serve", "--timeout-ms", "0")).isEqualTo(CliErrors.EXIT_FAILURE);
        assertThat(err.toString()).startsWith("error: --timeout-ms");
    }

    /**
     * The real launcher path in its own JVM: {@code serve} with no model option exports and serves the demo model,
     * prints the URL, answers a detection, and on SIGTERM drains and exits 0.
     */
    @Test
    void aServerProcessServesTheDemoModelAndExitsZeroOnSigterm(@TempDir Path cache) throws Exception {
        Path image = Fixtures.file("trained/images/val/000001.jpg");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx1g", "-Dperegrine.root=" + ROOT, "-Dperegrine.cache=" + cache,
                "-cp", System.getProperty("java.class.path"), PeregrineCli.class.getName(), "serve", "--host",
                "127.0.0.1", "--port", "0", "--shutdown-grace-s", "5").redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Pattern listening = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/");
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    synchronized (output) {
                        output.add(line);
                    }
                    Matcher m = listening.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (java.io.IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("server exited before listening"));
        }, "serve-output");
        reader.setDaemon(true);
        reader.start();
        try {
            int bound = port.get(3, TimeUnit.MINUTES);
            HttpClient http = HttpClient.newHttpClient();
            URI ready = URI.create("http://127.0.0.1:" + bound + "/health/ready");
            long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            int status = 0;
            while (System.nanoTime() < until && (status = http.send(HttpRequest.newBuilder(ready).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()) != 200) {
                Thread.sleep(200);
            }
            assertThat(status).as("readiness; output %s", output).isEqualTo(200);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bound
                    + "/v1/models/shapes/detect")).header("Content-Type", "image/jpeg")
                    .POST(HttpRequest.BodyPublishers.ofFile(image)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).contains("\"class_name\":\"cross\"");

            p.destroy(); // SIGTERM
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).as("exit status; output %s", output).isZero();
            reader.join(10_000);
            synchronized (output) {
                assertThat(output).anyMatch(l -> l.contains("model 'shapes' ready (onnxruntime-cpu"));
            }
        } finally {
            p.destroyForcibly();
        }
    }
}
