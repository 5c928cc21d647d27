package dev.peregrine.bench.report;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the format x batch rows as {@code results.csv} and the comparison rows as {@code comparisons.csv}:
 * RFC 4180 (comma-separated, fields with commas, quotes or line breaks quoted, quotes doubled), one header line,
 * empty cells for values that were not measured.
 */
public final class CsvReport {
    /** Columns of {@code results.csv}, in order. */
    public static final List<String> RESULT_COLUMNS = List.of("format", "batch", "status", "reason", "images",
            "seconds", "images_per_s", "latency_mean_ms", "latency_p50_ms", "latency_p90_ms", "latency_p99_ms",
            "decode_ms_per_image", "letterbox_ms_per_image", "infer_ms_per_image", "file_bytes", "load_ms",
            "ram_delta_bytes", "gpu_bytes", "map50", "map50_95");
    /** Columns of {@code comparisons.csv}, in order. */
    public static final List<String> COMPARISON_COLUMNS = List.of("subject", "variant", "stage", "batch", "status",
            "reason", "images_per_s", "latency_mean_ms", "latency_p50_ms", "latency_p90_ms", "latency_p99_ms");

    private CsvReport() {
    }

    /** Writes {@code results.csv} of the report's rows. */
    public static void writeResults(BenchReport report, Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            line(w, RESULT_COLUMNS);
            for (BenchRow r : report.rows()) {
                line(w, List.of(r.format(), Integer.toString(r.batch()), r.status().name(), r.reason(),
                        Long.toString(r.images()), Cells.num(r.seconds(), 3), Cells.num(r.imagesPerSecond(), 2),
                        Cells.num(r.latency().meanMs(), 3), Cells.num(r.latency().p50Ms(), 3),
                        Cells.num(r.latency().p90Ms(), 3), Cells.num(r.latency().p99Ms(), 3),
                        Cells.num(r.stages().decodeMs(), 3), Cells.num(r.stages().letterboxMs(), 3),
                        Cells.num(r.stages().inferMs(), 3), Cells.num(r.fileBytes()), Cells.num(r.loadMillis(), 1),
                        Cells.num(r.ramDeltaBytes()), Cells.num(r.gpuBytes()), Cells.num(r.map50(), 4),
                        Cells.num(r.map5095(), 4)));
            }
        }
    }

    /** Writes {@code comparisons.csv} of the report's comparison rows. */
    public static void writeComparisons(BenchReport report, Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            line(w, COMPARISON_COLUMNS);
            for (ComparisonRow c : report.comparisons()) {
                line(w, List.of(c.subject(), c.variant(), c.stage().name(), Integer.toString(c.batch()),
                        c.status().name(), c.reason(), Cells.num(c.imagesPerSecond(), 2),
                        Cells.num(c.latency().meanMs(), 3), Cells.num(c.latency().p50Ms(), 3),
                        Cells.num(c.latency().p90Ms(), 3), Cells.num(c.latency().p99Ms(), 3)));
            }
        }
    }

    private static void line(Writer w, List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                w.write(',');
            }
            w.write(quote(cells.get(i)));
        }
        w.write("\r\n");
    }

    /** RFC 4180 quoting. */
    static String quote(String cell) {
        if (cell.indexOf(',') < 0 && cell.indexOf('"') < 0 && cell.indexOf('\n') < 0 && cell.indexOf('\r') < 0) {
            return cell;
        }
        return '"' + cell.replace("\"", "\"\"") + '"';
    }
}
