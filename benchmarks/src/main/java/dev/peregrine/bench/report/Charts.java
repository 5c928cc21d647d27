package dev.peregrine.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG charts of a report, drawn with XChart in headless mode: throughput against batch size (one line per format,
 * plus the baseline and peer end-to-end lines when measured) and memory per format.
 */
public final class Charts {
    /** File name of the throughput chart. */
    public static final String THROUGHPUT = "throughput.png";
    /** File name of the memory chart. */
    public static final String MEMORY = "memory.png";
    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;

    private Charts() {
    }

    /**
     * Writes the charts the report has data for into {@code dir}.
     *
     * @return the file names written (relative to {@code dir})
     */
    public static List<String> write(BenchReport report, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<String> written = new ArrayList<>();
        CategoryChart throughput = throughput(report);
        if (throughput != null) {
            BitmapEncoder.saveBitmap(throughput, dir.resolve(THROUGHPUT).toString(), BitmapEncoder.BitmapFormat.PNG);
            written.add(THROUGHPUT);
        }
        CategoryChart memory = memory(report);
        if (memory != null) {
            BitmapEncoder.saveBitmap(memory, dir.resolve(MEMORY).toString(), BitmapEncoder.BitmapFormat.PNG);
            written.add(MEMORY);
        }
        return written;
    }

    /**
     * Throughput (images/s) against batch: one line per measured format (the format runs, one after the other)
     * and one per comparison subject (measured in alternating rounds). Batches are categories, so that 1, 4, 8
     * sit at even steps; a line without a figure at some batch has a gap there.
     */
    static CategoryChart throughput(BenchReport report) {
        Map<String, Map<Integer, Double>> series = new LinkedHashMap<>();
        for (BenchRow r : report.rows()) {
            if (r.status() == RowStatus.OK) {
                series.computeIfAbsent("peregrine " + r.format() + " (format run)", k -> new TreeMap<>())
                        .put(r.batch(), r.imagesPerSecond());
            }
        }
        for (ComparisonRow c : report.comparisons()) {
            if (c.ok()) {
                String name = c.subject() + " " + c.variant() + " (" + shortStage(c.stage()) + ", alternating)";
                series.computeIfAbsent(name, k -> new TreeMap<>()).put(c.batch(), c.imagesPerSecond());
            }
        }
        if (series.isEmpty()) {
            return null;
        }
        TreeSet<Integer> batches = new TreeSet<>();
        series.values().forEach(m -> batches.addAll(m.keySet()));
        List<String> categories = batches.stream().map(String::valueOf).toList();
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title("Throughput vs batch size ("
                + report.info().device() + ")").xAxisTitle("batch size").yAxisTitle("images / s").build();
        chart.getStyler().setDefaultSeriesRenderStyle(CategorySeriesRenderStyle.Line);
        chart.getStyler().setOverlapped(true); // points of every line on the category, not side by side like bars
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setDecimalPattern("#0.#");
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        for (var e : series.entrySet()) {
            List<Number> ys = new ArrayList<>();
            for (int b : batches) {
                ys.add(e.getValue().get(b)); // null where this line has no figure
            }
            chart.addSeries(e.getKey(), categories, ys).setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    /** RAM growth (and GPU memory growth when measured, and the file size) per format, in MiB. */
    static CategoryChart memory(BenchReport report) {
        Map<String, Long> rss = new LinkedHashMap<>();
        Map<String, Long> gpu = new LinkedHashMap<>();
        Map<String, Long> file = new LinkedHashMap<>();
        for (BenchRow r : report.rows()) {
            if (r.status() == RowStatus.OK && r.fileBytes() != null) {
                file.put(r.format(), r.fileBytes());
            }
            if (r.status() == RowStatus.OK && r.ramDeltaBytes() != null) {
                rss.merge(r.format(), r.ramDeltaBytes(), Math::max);
            }
            if (r.status() == RowStatus.OK && r.gpuBytes() != null) {
                gpu.merge(r.format(), r.gpuBytes(), Math::max);
            }
        }
        if (rss.isEmpty() && gpu.isEmpty()) {
            return null;
        }
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title("Memory per format ("
                + report.info().device() + ")").xAxisTitle("format").yAxisTitle("MiB").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setDecimalPattern("#0.0");
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        if (!rss.isEmpty()) {
            chart.addSeries("RAM growth (RssAnon, fresh JVM)", new ArrayList<>(rss.keySet()),
                    rss.values().stream().map(b -> (Number) (b / 1048576.0)).toList());
        }
        if (!gpu.isEmpty()) {
            chart.addSeries("GPU memory growth", new ArrayList<>(gpu.keySet()),
                    gpu.values().stream().map(b -> (Number) (b / 1048576.0)).toList());
        }
        if (!rss.isEmpty() && file.keySet().equals(rss.keySet())) {
            chart.addSeries("model file", new ArrayList<>(file.keySet()),
                    file.values().stream().map(b -> (Number) (b / 1048576.0)).toList());
        }
        return chart;
    }

    private static String shortStage(Stage s) {
        return switch (s) {
            case MODEL_RUN -> "model run only";
            case PRE_AND_RUN -> "decode+pre+run";
            case END_TO_END -> "end-to-end";
        };
    }
}
