package dev.peregrine.bench.cli;

import dev.peregrine.bench.OptionParsers;
import dev.peregrine.bench.loadgen.BareComparison;
import dev.peregrine.bench.loadgen.LoadGenerator;
import dev.peregrine.bench.loadgen.LoadgenReport;
import dev.peregrine.bench.loadgen.LoadgenSettings;
import dev.peregrine.bench.loadgen.LoopbackGuard;
import dev.peregrine.bench.loadgen.Protocol;
import dev.peregrine.bench.loadgen.StepResult;
import dev.peregrine.bench.run.BenchImages;
import dev.peregrine.bench.run.EncodedImage;
import dev.peregrine.bench.run.SystemInfo;
import dev.peregrine.engines.Detector;
import dev.peregrine.engines.Device;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.server.batch.BatchPolicy;
import dev.peregrine.server.model.DefaultModelLoader;
import dev.peregrine.server.model.ModelSpec;
import dev.peregrine.server.cli.PeregrineSubcommand;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code peregrine loadgen}: sends requests to a running Peregrine server at stepped concurrency (or a fixed rate)
 * and reports per step throughput, latency percentiles, errors by status and the server's batch-size histogram and
 * queue time read from {@code /metrics}. Requests are encoded images to the detect route by default, or, with
 * {@code --protocol v2-rest|v2-grpc}, model input tensors over the Open Inference Protocol (REST or gRPC), as
 * Triton's perf_analyzer sends them. With {@code --compare-bare MODEL} it also measures the server at concurrency 1
 * against the bare detector on the same model in this process ({@link BareComparison}).
 */
@Command(name = "loadgen", mixinStandardHelpOptions = true,
        description = "Load-test a running Peregrine server (loopback only unless --allow-remote).")
public final class LoadgenCommand implements Callable<Integer>, PeregrineSubcommand {
    /** {@code peregrine serve}'s default --max-batch: the bare detector is opened as the server opens it. */
    static final int SERVE_MAX_BATCH = 8;
    /** Most virtual users of one closed-loop step. */
    static final int MAX_CONCURRENCY = 1024;

    @Spec
    CommandSpec spec;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "Server base URL "
            + "(default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--model", required = true, description = "Served model name.")
    String model;

    @Option(names = "--protocol", defaultValue = "detect", paramLabel = "detect|v2-rest|v2-grpc",
            description = "detect: encoded images to /v1/models/{model}/detect (the whole pipeline); v2-rest / "
                    + "v2-grpc: the images preprocessed here into FP32 tensors, sent to the KServe v2 inference "
                    + "route over REST (binary extension) or gRPC (default: ${DEFAULT-VALUE}).")
    String protocol;

    @Option(names = "--batch", defaultValue = "1", description = "Images per request of v2-rest / v2-grpc "
            + "(default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--grpc-port", defaultValue = "8001", description = "The server's gRPC port (serve "
            + "--grpc-port) on the --url host, for v2-grpc (default: ${DEFAULT-VALUE}).")
    int grpcPort;

    @Option(names = "--images", required = true, paramLabel = "DIR|FILE", description = "Images to send "
            + "(cycled).")
    Path images;

    @Option(names = "--concurrency", defaultValue = "1,4,16,64", paramLabel = "N,N", description = "Closed-loop "
            + "steps: requests in flight (default: ${DEFAULT-VALUE}).")
    String concurrency;

    @Option(names = "--rate", paramLabel = "R/s", description = "One open-loop step at this request rate instead "
            + "of the concurrency steps.")
    String rate;

    @Option(names = "--duration", defaultValue = "10s", description = "Length of each step "
            + "(default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--warmup", defaultValue = "3s", description = "Uncounted warm-up before each closed-loop step "
            + "and each side of --compare-bare (default: ${DEFAULT-VALUE}; 0s for none).")
    String warmup;

    @Option(names = "--compare-bare", paramLabel = "MODEL", description = "Also measure the server at concurrency 1 "
            + "against the bare detector on this model file (the .pt or .onnx the server serves, opened as "
            + "`peregrine serve` opens it) in this process, in alternating rounds of --duration in all.")
    Path compareBare;

    @Option(names = "--max-requests", defaultValue = "100000", description = "Most requests per step "
            + "(default: ${DEFAULT-VALUE}).")
    long maxRequests;

    @Option(names = "--timeout", defaultValue = "30s", description = "Per-request timeout (default: "
            + "${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--allow-remote", description = "Allow a non-loopback server (only one you run).")
    boolean allowRemote;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write loadgen.md and loadgen.json here.")
    Path out;

    @Override
    public Integer call() throws PeregrineException {
        LoadgenSettings settings = settings();
        List<EncodedImage> bodies = BenchImages.load(images, 1000);
        PrintWriter stdout = spec.commandLine().getOut();
        ConsoleProgress progress = new ConsoleProgress(stdout, spec.commandLine().getErr(),
                System.console() != null);
        List<Double> loadBefore = SystemInfo.loadAverages();
        List<StepResult> steps;
        BareComparison.Result comparison = null;
        if (settings.protocol().sendsTensors()) { // a few seconds for a folder of large images
            progress.stage("reading model '" + settings.model() + "' input and preparing request tensors from "
                    + bodies.size() + " images");
        }
        try (LoadGenerator gen = new LoadGenerator(settings, bodies)) {
            steps = gen.run(progress);
            if (compareBare != null) {
                comparison = compare(gen, bodies, settings, progress);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PeregrineException.badInput("interrupted");
        }
        progress.clear();
        stdout.print(LoadgenReport.table(steps, settings.batch()));
        if (comparison != null) {
            stdout.print(LoadgenReport.comparisonText(comparison));
        }
        for (StepResult s : steps) {
            if (!s.note().isEmpty()) {
                stdout.println(s.label() + ": " + s.note());
            }
        }
        if (out != null) {
            List<Path> files = LoadgenReport.write(settings, steps, comparison, loadBefore, SystemInfo.loadAverages(),
                    out);
            stdout.println("Written: " + files);
        }
        stdout.flush();
        return 0;
    }

    private BareComparison.Result compare(LoadGenerator gen, List<EncodedImage> bodies, LoadgenSettings settings,
            ConsoleProgress progress) throws PeregrineException {
        progress.stage("opening " + compareBare + " in this process for the bare comparison");
        ModelSpec spec = ModelSpec.forFile(compareBare, Device.CPU, BatchPolicy.defaults(SERVE_MAX_BATCH), 1);
        try (Detector detector = DefaultModelLoader.standard().load(spec)) {
            progress.stage("server at concurrency 1 against the bare detector, alternating");
            return gen.compareBare(detector, bodies, settings.warmup(), settings.duration(), progress);
        }
    }

    /** Checks and converts the options. */
    LoadgenSettings settings() throws PeregrineException {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw PeregrineException.badInput("--url is not a URL: " + e.getMessage());
        }
        LoopbackGuard.check(uri, allowRemote);
        if (model.isBlank()) {
            throw PeregrineException.badInput("--model must not be empty");
        }
        if (maxRequests < 1) {
            throw PeregrineException.badInput("--max-requests must be >= 1, got " + maxRequests);
        }
        Protocol p = Protocol.parse(protocol);
        if (batch < 1) {
            throw PeregrineException.badInput("--batch must be >= 1, got " + batch);
        }
        if (batch > 1 && !p.sendsTensors()) {
            throw PeregrineException.badInput("--batch needs --protocol v2-rest or v2-grpc: a detect request "
                    + "carries one image");
        }
        if (grpcPort < 1 || grpcPort > 65535) {
            throw PeregrineException.badInput("--grpc-port must be 1..65535, got " + grpcPort);
        }
        if (compareBare != null && p != Protocol.DETECT) {
            throw PeregrineException.badInput("--compare-bare needs --protocol detect: the bare detector runs the "
                    + "whole pipeline, the tensor protocols only the model");
        }
        List<Integer> steps = OptionParsers.positiveInts(concurrency, "--concurrency");
        for (int c : steps) {
            if (c > MAX_CONCURRENCY) {
                throw PeregrineException.badInput("--concurrency values must be at most " + MAX_CONCURRENCY
                        + ", got " + c);
            }
        }
        Duration d = OptionParsers.duration(duration, "--duration");
        Duration t = OptionParsers.duration(timeout, "--timeout");
        Duration w = OptionParsers.duration(warmup, "--warmup");
        if (d.isZero() || t.isZero()) {
            throw PeregrineException.badInput("--duration and --timeout must be longer than 0");
        }
        Double r = rate == null ? null : OptionParsers.rate(rate, "--rate");
        if (compareBare != null && !java.nio.file.Files.isRegularFile(compareBare)) {
            throw PeregrineException.notFound("--compare-bare: model file not found: " + compareBare);
        }
        return new LoadgenSettings(uri, model, p, batch, grpcPort, steps, r, w, d, maxRequests, t, "peregrine "
                + BenchCommand.quoted(spec.commandLine().getParseResult().originalArgs(), "loadgen"));
    }
}
