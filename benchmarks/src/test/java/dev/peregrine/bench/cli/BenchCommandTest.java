package dev.peregrine.bench.cli;

import static dev.peregrine.server.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.server.cli.CliRun;
import dev.peregrine.server.cli.PeregrineCli;
import dev.peregrine.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A real, tiny {@code peregrine bench} run through the CLI: the outputs exist, parse and say what was skipped. */
class BenchCommandTest {

    @TempDir
    Path dir;

    @Test
    void benchAndLoadgenAreDiscoveredByTheCli() {
        CommandLine cl = PeregrineCli.commandLine();
        assertThat(cl.getSubcommands()).containsKeys("bench", "loadgen", "export", "predict");
    }

    @Test
    void tinyRunWritesParsableOutputsAndListsSkippedFormats() throws Exception {
        Path model = Fixtures.file("tiny/yolov8n.onnx");
        Path image = Fixtures.file("images/bus.jpg");
        Path out = dir.resolve("report");
        CliRun r = run("bench", "--model", model.toString(), "--images", image.toString(), "--formats",
                "onnx-fp32,onnx-fp16,onnx-int8,trt-fp16", "--batch", "1,2", "--duration", "1s", "--warmup", "0.2s", "--out",
                out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("peregrine [onnx-fp32] b1").contains("onnx-fp32  batch 2   skipped")
                .contains("Report: ");
        for (String f : List.of("report.md", "results.csv", "results.json", "comparisons.csv", "throughput.png",
                "memory.png")) {
            assertThat(out.resolve(f)).as(f).isRegularFile();
        }
        assertThat(ImageIO.read(out.resolve("throughput.png").toFile())).isNotNull();
        assertThat(ImageIO.read(out.resolve("memory.png").toFile())).isNotNull();

        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertThat(csv).hasSize(1 + 4 * 2);
        assertThat(csv.get(1)).startsWith("onnx-fp32,1,OK,,");
        assertThat(csv.get(2)).startsWith("onnx-fp32,2,SKIPPED,the model has a fixed batch of 1");
        assertThat(csv.get(3)).startsWith("onnx-fp16,1,OK,,");
        // calibration defaults to --images, here a single file, which the INT8 pass does not take
        assertThat(csv.get(5)).startsWith("onnx-int8,1,SKIPPED,\"the int8 pass failed: calibration source");
        assertThat(csv.get(7)).startsWith("trt-fp16,1,SKIPPED,TensorRT runs on an NVIDIA GPU");

        JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        JsonNode first = json.path("results").get(0);
        assertThat(first.path("status").asText()).isEqualTo("OK");
        assertThat(first.path("images").asLong()).isPositive();
        assertThat(first.path("images_per_s").asDouble()).isPositive();
        assertThat(first.path("latency_ms").path("p50").asDouble()).isPositive();
        assertThat(first.path("file_bytes").asLong()).isEqualTo(Files.size(model));
        assertThat(first.path("ram_delta_bytes").isNumber()).isTrue();
        assertThat(first.path("map50").isNull()).isTrue();
        assertThat(json.path("run").path("load_average_before")).hasSize(3);
        assertThat(StreamSupport.stream(json.path("comparisons").spliterator(), false)
                .map(c -> c.path("subject").asText() + "/" + c.path("status").asText()))
                .containsExactly("onnxruntime/OK", "peregrine/OK");

        String md = Files.readString(out.resolve("report.md"));
        assertThat(md).contains("| onnx-fp32 | 1 |").contains("### Not measured")
                .contains("**trt-fp16** (skipped, batch 1, 2)").contains("--batch 1,2");
    }

    @Test
    void badOptionsFailWithOneLine() {
        CliRun noModel = run("bench", "--duration", "1s");
        assertThat(noModel.exit()).isEqualTo(2);
        assertThat(noModel.err()).startsWith("error: give --model");
        CliRun badFormat = run("bench", "--model", "x.onnx", "--images", ".", "--formats", "onnx-fp64");
        assertThat(badFormat.exit()).isEqualTo(2);
        assertThat(badFormat.err()).contains("unknown format 'onnx-fp64'");
        CliRun badBatch = run("bench", "--model", "x.onnx", "--images", ".", "--batch", "0");
        assertThat(badBatch.err()).contains("--batch values must be in 1..");
        CliRun remote = run("loadgen", "--url", "http://192.0.2.1:8080", "--model", "m", "--images", ".");
        assertThat(remote.exit()).isEqualTo(2);
        assertThat(remote.err()).contains("--allow-remote");
    }
}
