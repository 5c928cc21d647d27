package dev.peregrine.bench.cli;

import dev.peregrine.bench.BenchFormat;
import dev.peregrine.bench.OptionParsers;
import dev.peregrine.bench.peer.DjlPeer;
import dev.peregrine.bench.report.BenchReport;
import dev.peregrine.bench.report.JmhJson;
import dev.peregrine.bench.report.JmhResult;
import dev.peregrine.bench.report.JsonReport;
import dev.peregrine.bench.report.ReportFiles;
import dev.peregrine.bench.run.BenchRunner;
import dev.peregrine.bench.run.BenchSettings;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.server.cli.DeviceOption;
import dev.peregrine.server.cli.ImageSize;
import dev.peregrine.server.cli.PeregrineSubcommand;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code peregrine bench}: measures a model in every requested format and batch size end to end (throughput,
 * latency percentiles, file size, load time, memory, mAP), optionally against the bare ONNX Runtime call and DJL,
 * and writes {@code report.md}, {@code results.csv}, {@code results.json} and PNG charts.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark a YOLO model per format and batch size and write a report (Markdown, CSV, JSON, "
                + "PNG charts).")
public final class BenchCommand implements Callable<Integer>, PeregrineSubcommand {
    /** Formats measured when {@code --formats} is absent. */
    static final String DEFAULT_FORMATS = "onnx-fp32,onnx-fp16,onnx-int8,trt-fp32,trt-fp16,trt-int8";

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "M.pt|M.onnx", description = "Model to measure. A .pt is exported "
            + "with a dynamic batch for every format; an .onnx is measured as onnx-fp32.")
    Path model;

    @Option(names = "--formats", defaultValue = DEFAULT_FORMATS, paramLabel = "F,F", description = "Formats "
            + "(default: ${DEFAULT-VALUE}). Those this machine or build cannot run are reported as skipped.")
    String formats;

    @Option(names = "--batch", defaultValue = "1,4,8", paramLabel = "B,B", description = "Batch sizes "
            + "(default: ${DEFAULT-VALUE}).")
    String batch;

    @Option(names = "--imgsz", paramLabel = "SIZE|H,W", description = "Input size to export at (.pt) or to "
            + "check (.onnx); default: the model's own.")
    String imgsz;

    @Mixin
    DeviceOption device = new DeviceOption();

    @Option(names = "--duration", defaultValue = "20s", description = "Measuring time per format and batch "
            + "(default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--warmup", defaultValue = "5s", description = "Warm-up time per format and batch "
            + "(default: ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--data", paramLabel = "DIR", description = "Labelled data set (Ultralytics layout) for mAP; "
            + "also the timing images when --images is absent.")
    Path data;

    @Option(names = "--images", paramLabel = "DIR|FILE", description = "Images to time (recursively).")
    Path images;

    @Option(names = "--max-images", defaultValue = "200", description = "Most images held in memory for timing "
            + "(default: ${DEFAULT-VALUE}).")
    int maxImages;

    @Option(names = "--calib", paramLabel = "DIR|LIST.txt|DATA.yaml", description = "INT8 calibration images "
            + "(default: --data, else --images). A data YAML gives its train split when on disk.")
    Path calib;

    @Option(names = "--reference", paramLabel = "FILE", description = "Ultralytics predictions JSON "
            + "({images: [{file, detections: [{xyxy, conf, cls}]}]}) to check detections against.")
    Path reference;

    @Option(names = "--peer", paramLabel = "NAME", split = ",", description = "Also measure a peer library on "
            + "the same model and images: djl.")
    List<String> peers = new ArrayList<>();

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime intra-op threads for every "
            + "runtime compared (default: one per core).")
    int threads;

    @Option(names = "--jmh", paramLabel = "FILE", description = "JMH JSON results (java -jar "
            + "benchmarks/target/benchmarks.jar -rf json -rff FILE) to add to the report.")
    Path jmh;

    @Option(names = "--from", paramLabel = "results.json", description = "Re-render the report of an earlier "
            + "run (with --jmh results added) instead of measuring.")
    Path from;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: "
            + "bench-results/<date-time>).")
    Path out;

    @Override
    public Integer call() throws PeregrineException {
        BenchSettings settings = settings();
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        ConsoleProgress progress = new ConsoleProgress(stdout, stderr, System.console() != null);
        BenchReport report = from != null ? rerender() : new BenchRunner(settings, progress, DjlPeer.FACTORY).run();
        progress.stage("writing the report to " + settings.out());
        List<Path> files = ReportFiles.write(report, settings.out());
        progress.clear();
        stdout.println("Report: " + settings.out().resolve(ReportFiles.MARKDOWN) + " (" + files.size() + " files)");
        stdout.flush();
        return 0;
    }

    /** The report of {@code --from}, with the results of {@code --jmh} added. */
    private BenchReport rerender() throws PeregrineException {
        BenchReport r = JsonReport.read(from);
        if (jmh == null) {
            return r;
        }
        List<JmhResult> all = new ArrayList<>(r.jmh());
        all.addAll(JmhJson.read(jmh));
        return new BenchReport(r.info(), r.rows(), r.comparisons(), r.agreements(), all, r.notes());
    }

    /** Checks and converts the options. */
    BenchSettings settings() throws PeregrineException {
        if (model == null && jmh == null && from == null) {
            throw PeregrineException.badInput("give --model (and --images or --data), --jmh to report JMH "
                    + "results, or --from results.json to re-render a report");
        }
        if (from != null && model != null) {
            throw PeregrineException.badInput("--from re-renders an earlier run; it does not go with --model");
        }
        if (maxImages < 1) {
            throw PeregrineException.badInput("--max-images must be >= 1, got " + maxImages);
        }
        if (threads < 0) {
            throw PeregrineException.badInput("--threads must be >= 0, got " + threads);
        }
        for (String p : peers) {
            if (!p.trim().toLowerCase(Locale.ROOT).equals("djl")) {
                throw PeregrineException.badInput("unknown --peer '" + p + "' (supported: djl)");
            }
        }
        Path outDir = out != null ? out : Path.of("bench-results",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        return new BenchSettings(model, BenchFormat.parseList(formats),
                OptionParsers.positiveInts(batch, "--batch"), imgsz == null ? null : ImageSize.parse(imgsz).toArray(),
                device.device(), positive(OptionParsers.duration(duration, "--duration"), "--duration"),
                OptionParsers.duration(warmup, "--warmup"), data, images, maxImages, calib, reference,
                peers.stream().map(p -> p.trim().toLowerCase(Locale.ROOT)).distinct().toList(), jmh, threads,
                outDir, commandLine());
    }

    private static java.time.Duration positive(java.time.Duration d, String option) throws PeregrineException {
        if (d.isZero()) {
            throw PeregrineException.badInput(option + " must be longer than 0");
        }
        return d;
    }

    /** The command line as the user typed it (picocli's original arguments). */
    private String commandLine() {
        return "peregrine " + quoted(spec.commandLine().getParseResult().originalArgs(), "bench");
    }

    /**
     * The arguments joined for a shell, prefixed by {@code name} unless they already start with it (picocli's
     * original arguments include the subcommand name when the command ran as a subcommand).
     */
    static String quoted(List<String> args, String name) {
        StringBuilder sb = new StringBuilder(name);
        for (String a : args.isEmpty() || !args.get(0).equals(name) ? args : args.subList(1, args.size())) {
            sb.append(' ').append(a.matches("[A-Za-z0-9_./,:=@+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }
}
