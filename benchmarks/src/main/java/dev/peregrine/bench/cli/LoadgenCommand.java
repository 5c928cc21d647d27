package dev.peregrine.bench.cli;

import dev.peregrine.bench.OptionParsers;
import dev.peregrine.bench.loadgen.LoadGenerator;
import dev.peregrine.bench.loadgen.LoadgenReport;
import dev.peregrine.bench.loadgen.LoadgenSettings;
import dev.peregrine.bench.loadgen.LoopbackGuard;
import dev.peregrine.bench.loadgen.StepResult;
import dev.peregrine.bench.run.BenchImages;
import dev.peregrine.bench.run.EncodedImage;
import dev.peregrine.bench.run.SystemInfo;
import dev.peregrine.engines.PeregrineException;
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
 * {@code peregrine loadgen}: sends detect requests to a running Peregrine server at stepped concurrency (or a
 * fixed rate) and reports per step throughput, latency percentiles, errors by status and the server's batch-size
 * histogram and queue time read from {@code /metrics}.
 */
@Command(name = "loadgen", mixinStandardHelpOptions = true,
        description = "Load-test a running Peregrine server (loopback only unless --allow-remote).")
public final class LoadgenCommand implements Callable<Integer>, PeregrineSubcommand {
    /** Most virtual users of one closed-loop step. */
    static final int MAX_CONCURRENCY = 1024;

    @Spec
    CommandSpec spec;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "Server base URL "
            + "(default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--model", required = true, description = "Served model name.")
    String model;

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
        try (LoadGenerator gen = new LoadGenerator(settings, bodies)) {
            steps = gen.run(progress);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PeregrineException.badInput("interrupted");
        }
        progress.clear();
        stdout.print(LoadgenReport.table(steps));
        for (StepResult s : steps) {
            if (!s.note().isEmpty()) {
                stdout.println(s.label() + ": " + s.note());
            }
        }
        if (out != null) {
            List<Path> files = LoadgenReport.write(settings, steps, loadBefore, SystemInfo.loadAverages(), out);
            stdout.println("Written: " + files);
        }
        stdout.flush();
        return 0;
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
        List<Integer> steps = OptionParsers.positiveInts(concurrency, "--concurrency");
        for (int c : steps) {
            if (c > MAX_CONCURRENCY) {
                throw PeregrineException.badInput("--concurrency values must be at most " + MAX_CONCURRENCY
                        + ", got " + c);
            }
        }
        Duration d = OptionParsers.duration(duration, "--duration");
        Duration t = OptionParsers.duration(timeout, "--timeout");
        if (d.isZero() || t.isZero()) {
            throw PeregrineException.badInput("--duration and --timeout must be longer than 0");
        }
        Double r = rate == null ? null : OptionParsers.rate(rate, "--rate");
        return new LoadgenSettings(uri, model, steps, r, d, maxRequests, t, "peregrine "
                + BenchCommand.quoted(spec.commandLine().getParseResult().originalArgs(), "loadgen"));
    }
}
