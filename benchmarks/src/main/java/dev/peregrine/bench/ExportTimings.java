package dev.peregrine.bench;

import dev.peregrine.exporter.ExportOptions;
import dev.peregrine.exporter.Exporter;
import dev.peregrine.exporter.ProgressListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Measures how long the pure-Java exporter takes to turn a checkpoint into an ONNX file, in process: cold (the first
 * export in a fresh JVM, class loading and JIT included, JVM start-up and logging set-up not; one child JVM per
 * model) and warm (median and best of
 * repeated exports after warm-up), with the time split into reading, graph building and writing, and the peak heap.
 * Prints a Markdown table.
 *
 * <p>Usage: {@code java -Xmx512m -cp <classpath> dev.peregrine.bench.ExportTimings [--fixtures DIR] [--runs N]
 * [MODEL.pt ...]}; default models: the fixtures' {@code full/yolov8n.pt}, {@code yolo11n.pt}, {@code yolo26n.pt}.
 */
public final class ExportTimings {
    private ExportTimings() {
    }

    /** One export: stage times in ms and the peak heap in MB. */
    record Sample(double readMs, double buildMs, double writeMs, double totalMs, double peakHeapMb) {
        static Sample parse(String line) {
            double[] v = Arrays.stream(line.trim().split("\\s+")).skip(1).mapToDouble(Double::parseDouble).toArray();
            return new Sample(v[0], v[1], v[2], v[3], v[4]);
        }

        String format() {
            return String.format(Locale.ROOT, "SAMPLE %.1f %.1f %.1f %.1f %.1f", readMs, buildMs, writeMs, totalMs,
                    peakHeapMb);
        }
    }

    /** Runs the measurements (or, with {@code --one MODEL.pt}, one cold export in a child JVM). */
    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--one")) {
            // Child JVM: one cold export. Logging is initialised first, as the CLI and the server have it
            // initialised before any export; its one-time set-up is not the exporter's cost.
            org.slf4j.LoggerFactory.getLogger(ExportTimings.class).debug("logging initialised");
            System.out.println(exportOnce(Path.of(args[1])).format());
            return;
        }
        Path fixtures = Path.of(System.getProperty("peregrine.fixtures", "../shared/fixtures"));
        int runs = 5;
        List<Path> models = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--fixtures" -> fixtures = Path.of(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                default -> models.add(Path.of(args[i]));
            }
        }
        if (models.isEmpty()) {
            for (String n : List.of("yolov8n", "yolo11n", "yolo26n")) {
                models.add(fixtures.resolve("full/" + n + ".pt"));
            }
        }
        long maxHeapMb = Runtime.getRuntime().maxMemory() >> 20;
        System.out.printf(Locale.ROOT, "JVM %s, %d cores, max heap %d MB, load average %s%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), maxHeapMb,
                loadAverage());
        System.out.println();
        System.out.println("| model | cold total | cold read / build / write | warm median | warm best"
                + " | warm read / build / write | peak heap |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Path pt : models) {
            Sample cold = coldInChildJvm(pt, maxHeapMb);
            exportOnce(pt); // warm-up
            exportOnce(pt);
            List<Sample> warm = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                warm.add(exportOnce(pt));
            }
            warm.sort((a, b) -> Double.compare(a.totalMs(), b.totalMs()));
            Sample med = warm.get(warm.size() / 2);
            double peak = Math.max(cold.peakHeapMb(), warm.stream().mapToDouble(Sample::peakHeapMb).max().orElse(0));
            System.out.printf(Locale.ROOT, "| %s | %.0f ms | %.0f / %.0f / %.0f ms | %.0f ms | %.0f ms"
                    + " | %.0f / %.0f / %.0f ms | %.0f MB |%n", pt.getFileName(), cold.totalMs(), cold.readMs(),
                    cold.buildMs(), cold.writeMs(), med.totalMs(), warm.get(0).totalMs(), med.readMs(),
                    med.buildMs(), med.writeMs(), peak);
        }
        System.out.printf(Locale.ROOT, "%nload average after: %s%n", loadAverage());
    }

    /** Exports {@code pt} once to a temporary file, timing the stages through the progress listener. */
    static Sample exportOnce(Path pt) throws Exception {
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        Path out = Files.createTempFile("export-timings", ".onnx");
        long[] marks = new long[3];
        int[] stage = {0};
        long start = System.nanoTime();
        try {
            Exporter.export(pt, ExportOptions.defaults().withOutput(out), new ProgressListener() {
                @Override
                public void stage(String description) {
                    if (stage[0] < marks.length) {
                        marks[stage[0]++] = System.nanoTime(); // reading, building, writing
                    }
                }
            });
            long end = System.nanoTime();
            double peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum() / 1048576.0;
            return new Sample((marks[1] - marks[0]) / 1e6, (marks[2] - marks[1]) / 1e6, (end - marks[2]) / 1e6,
                    (end - start) / 1e6, peak);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The first export of {@code pt} in a fresh JVM with the same class path and heap limit. */
    private static Sample coldInChildJvm(Path pt, long maxHeapMb) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx" + maxHeapMb + "m", "-cp",
                System.getProperty("java.class.path"), ExportTimings.class.getName(), "--one", pt.toString())
                .redirectErrorStream(true).start();
        String sample = null;
        StringBuilder all = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                all.append(line).append('\n');
                if (line.startsWith("SAMPLE ")) {
                    sample = line;
                }
            }
        }
        if (p.waitFor() != 0 || sample == null) {
            throw new IllegalStateException("cold export of " + pt + " failed:\n" + all);
        }
        return Sample.parse(sample);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "n/a";
        }
    }
}
