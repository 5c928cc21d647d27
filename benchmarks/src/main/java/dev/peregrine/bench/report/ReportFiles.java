package dev.peregrine.bench.report;

import dev.peregrine.engines.PeregrineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes every output of a report into one directory: charts, {@code report.md}, CSV and JSON. */
public final class ReportFiles {
    /** Name of the Markdown report. */
    public static final String MARKDOWN = "report.md";
    /** Name of the format x batch CSV. */
    public static final String RESULTS_CSV = "results.csv";
    /** Name of the comparison CSV. */
    public static final String COMPARISONS_CSV = "comparisons.csv";
    /** Name of the JSON report. */
    public static final String RESULTS_JSON = "results.json";

    private ReportFiles() {
    }

    /**
     * Writes the report into {@code dir} (created when missing).
     *
     * @return the files written
     * @throws PeregrineException BAD_INPUT when the directory cannot be written
     */
    public static List<Path> write(BenchReport report, Path dir) throws PeregrineException {
        try {
            Files.createDirectories(dir);
            List<Path> out = new ArrayList<>();
            List<String> charts = Charts.write(report, dir);
            charts.forEach(c -> out.add(dir.resolve(c)));
            MarkdownReport.write(report, charts, dir.resolve(MARKDOWN));
            out.add(dir.resolve(MARKDOWN));
            CsvReport.writeResults(report, dir.resolve(RESULTS_CSV));
            out.add(dir.resolve(RESULTS_CSV));
            if (!report.comparisons().isEmpty()) {
                CsvReport.writeComparisons(report, dir.resolve(COMPARISONS_CSV));
                out.add(dir.resolve(COMPARISONS_CSV));
            }
            JsonReport.write(report, dir.resolve(RESULTS_JSON));
            out.add(dir.resolve(RESULTS_JSON));
            return out;
        } catch (IOException e) {
            throw PeregrineException.badInput("cannot write the report into " + dir + ": " + e.getMessage());
        }
    }
}
