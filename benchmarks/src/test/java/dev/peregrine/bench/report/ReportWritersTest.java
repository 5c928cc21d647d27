package dev.peregrine.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWritersTest {

    @TempDir
    Path dir;

    @Test
    void csvHasOneLinePerRowWithQuotedReasonsAndEmptyUnmeasuredCells() throws Exception {
        Path csv = dir.resolve("results.csv");
        CsvReport.writeResults(SampleReports.report(), csv);
        List<List<String>> lines = parseCsv(Files.readString(csv, StandardCharsets.UTF_8));
        assertThat(lines.get(0)).isEqualTo(CsvReport.RESULT_COLUMNS);
        assertThat(lines).hasSize(6);
        for (List<String> l : lines) {
            assertThat(l).hasSize(CsvReport.RESULT_COLUMNS.size());
        }
        List<String> ok = lines.get(2);
        assertThat(ok.subList(0, 3)).containsExactly("onnx-fp32", "4", "OK");
        assertThat(Double.parseDouble(ok.get(CsvReport.RESULT_COLUMNS.indexOf("images_per_s")))).isEqualTo(40.0);
        assertThat(ok.get(CsvReport.RESULT_COLUMNS.indexOf("map50_95"))).isEqualTo("0.6295");
        assertThat(ok.get(CsvReport.RESULT_COLUMNS.indexOf("gpu_bytes"))).isEmpty();
        List<String> skipped = lines.get(3);
        assertThat(skipped.get(2)).isEqualTo("SKIPPED");
        assertThat(skipped.get(3)).isEqualTo("precision fp16, \"not yet\"");
        assertThat(skipped.get(CsvReport.RESULT_COLUMNS.indexOf("images_per_s"))).isEmpty();
    }

    @Test
    void jsonHoldsEveryRowWithNullsNotNaN() throws Exception {
        Path json = dir.resolve("results.json");
        JsonReport.write(SampleReports.report(), json);
        String text = Files.readString(json);
        assertThat(text).doesNotContain("NaN");
        JsonNode root = new ObjectMapper().readTree(text);
        assertThat(root.path("schema").asText()).isEqualTo("peregrine-bench/1");
        assertThat(root.path("run").path("load_average_before").get(0).asDouble()).isEqualTo(1.5);
        JsonNode results = root.path("results");
        assertThat(results).hasSize(5);
        assertThat(results.get(0).path("latency_ms").path("p50").asDouble()).isEqualTo(50.0);
        assertThat(results.get(0).path("ms_per_image").path("infer").asDouble()).isEqualTo(47.0);
        assertThat(results.get(2).path("status").asText()).isEqualTo("SKIPPED");
        assertThat(results.get(2).path("reason").asText()).contains("fp16");
        assertThat(results.get(2).path("images_per_s").isNull()).isTrue();
        assertThat(results.get(2).path("latency_ms").path("p99").isNull()).isTrue();
        assertThat(root.path("comparisons")).hasSize(6);
        assertThat(root.path("agreement").get(0).path("identical").asBoolean()).isTrue();
        assertThat(root.path("agreement").get(1).path("identical").asBoolean()).isFalse();
        assertThat(root.path("jmh").get(0).path("params").path("batch").asText()).isEqualTo("4");
        JsonNode ratio = StreamSupport.stream(root.path("ratios").spliterator(), false)
                .filter(r -> r.path("name").asText().contains("session.run")).findFirst().orElseThrow();
        assertThat(ratio.path("value").asDouble()).isCloseTo(24.0 / 25.0, within(1e-9));
        assertThat(ratio.path("target").asDouble()).isEqualTo(0.9);
    }

    @Test
    void markdownHasTheTableSkippedReasonsRatiosAndCharts() {
        String md = MarkdownReport.render(SampleReports.report(), List.of("throughput.png"));
        assertThat(md).contains("| onnx-fp32 | 1 | 20.0 | 50.00 |");
        assertThat(md).contains("| onnx-fp32 | 4 | 40.0 | 100.00 |");
        assertThat(md).as("skipped rows are listed with their batches and reason, not in the table")
                .contains("- **onnx-fp16** (skipped, batch 1, 4): precision fp16, \"not yet\"")
                .contains("- **trt-fp32** (skipped, batch 1): TensorRT runs on an NVIDIA GPU")
                .doesNotContain("| onnx-fp16 |");
        assertThat(md).contains("before 1.50 / 2.00 / 2.50, after 3.00 / 2.00 / 1.00");
        assertThat(md).contains("| peregrine end-to-end (bytes to detections) / onnxruntime session.run, batch 1 "
                + "| 0.96 | ≥ 0.90 (met) |");
        assertThat(md).contains("peregrine/djl [translator], end-to-end (bytes to detections), batch 1, throughput "
                + "| 2.00 | ≥ 1.30 (met)");
        assertThat(md).contains("best batch (ours 4, djl 4), throughput | 2.00");
        assertThat(md).contains("failed: ArrayIndexOutOfBoundsException: Index -5");
        assertThat(md).contains("| djl translator | 20 | 62 | 60 | 2 | no | stretches |");
        assertThat(md).contains("| EngineRunBenchmark.run | batch=4 | avgt | 12.500 | 0.400 | ms/op |");
        assertThat(md).contains("![throughput.png](throughput.png)");
        assertThat(md).contains("- a note");
    }

    @Test
    void allFilesAndReadablePngCharts() throws Exception {
        List<Path> files = ReportFiles.write(SampleReports.report(), dir.resolve("out"));
        assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("throughput.png",
                "memory.png", "report.md", "results.csv", "comparisons.csv", "results.json");
        for (String png : List.of("throughput.png", "memory.png")) {
            BufferedImage img = ImageIO.read(dir.resolve("out").resolve(png).toFile());
            assertThat(img).as(png).isNotNull();
            assertThat(img.getWidth()).isGreaterThan(100);
        }
        List<List<String>> comps = parseCsv(Files.readString(dir.resolve("out/comparisons.csv")));
        assertThat(comps.get(0)).isEqualTo(CsvReport.COMPARISON_COLUMNS);
        assertThat(comps).hasSize(7);
    }

    @Test
    void chartsAreLeftOutWithoutData() throws Exception {
        BenchReport r = SampleReports.report();
        BenchReport jmhOnly = new BenchReport(r.info(), List.of(), List.of(), List.of(), r.jmh(), List.of());
        assertThat(Charts.write(jmhOnly, dir)).isEmpty();
        assertThat(MarkdownReport.render(jmhOnly, List.of())).contains("## JMH").doesNotContain("## Throughput");
    }

    @Test
    void ratiosNeedBothSides() {
        List<ComparisonRow> onlyOurs = List.of(new ComparisonRow("peregrine", "YoloDetector", Stage.END_TO_END, 1,
                RowStatus.OK, "", 10, SampleReports.latency(1)));
        assertThat(Ratios.of(onlyOurs)).isEmpty();
        assertThat(CsvReport.quote("a,b")).isEqualTo("\"a,b\"");
        assertThat(CsvReport.quote("plain")).isEqualTo("plain");
    }

    /** A strict RFC 4180 reader for the tests. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> lines = new ArrayList<>();
        List<String> cur = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cur.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\r') {
                continue;
            } else if (c == '\n') {
                cur.add(cell.toString());
                cell.setLength(0);
                lines.add(cur);
                cur = new ArrayList<>();
            } else {
                cell.append(c);
            }
        }
        return lines;
    }
}
