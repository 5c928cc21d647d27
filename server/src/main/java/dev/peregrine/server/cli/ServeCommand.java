package dev.peregrine.server.cli;

import dev.peregrine.engines.Device;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.server.batch.BatchPolicy;
import dev.peregrine.server.http.EngineTensorViews;
import dev.peregrine.server.http.HttpServerConfig;
import dev.peregrine.server.http.ModelNames;
import dev.peregrine.server.http.ServerRuntime;
import dev.peregrine.server.model.DefaultModelLoader;
import dev.peregrine.server.model.ModelRegistry;
import dev.peregrine.server.model.ModelSpec;
import dev.peregrine.server.model.ServedModel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code peregrine serve}: serves YOLO models over HTTP until SIGTERM or Ctrl-C, then shuts down gracefully and
 * exits 0. Without {@code --model} it serves the bundled demo model {@code models/shapes-yolov8n.pt} as
 * {@code shapes} (exported to ONNX on first start and cached).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serve YOLO models over HTTP: detection JSON, annotated images, KServe v2, a demo page.")
public final class ServeCommand implements Callable<Integer> {
    /** The model served when no {@code --model} is given, relative to the installation root. */
    static final String DEFAULT_MODEL = "models/shapes-yolov8n.pt";
    /** Its name in URLs. */
    static final String DEFAULT_MODEL_NAME = "shapes";
    /** Environment variable with the API key, used when {@code --api-key} is absent. */
    static final String API_KEY_ENV = "PEREGRINE_API_KEY";

    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Interface to listen on (default: "
            + "${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "TCP port; 0 picks a free one (default: "
            + "${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--grpc-port", paramLabel = "PORT", description = "Also serve the Open Inference Protocol "
            + "(KServe v2 / Triton) over gRPC on this port, HTTP/2 cleartext (Triton uses 8001; 0 picks a free "
            + "port). Off by default.")
    Integer grpcPort;

    @Option(names = "--model", paramLabel = "NAME=PATH", description = "A model to serve (.pt, .onnx or .engine), "
            + "repeatable; PATH alone names it after the file. Default: shapes=" + DEFAULT_MODEL + ".")
    List<String> models = new ArrayList<>();

    @Mixin
    DeviceOption device = new DeviceOption();

    @Option(names = "--max-batch", defaultValue = "8", description = "Largest batch per engine run (default: "
            + "${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--max-delay-ms", defaultValue = "5", description = "Longest a request waits for its batch to "
            + "fill (default: ${DEFAULT-VALUE}).")
    int maxDelayMs;

    @Option(names = "--preferred-batch", split = ",", paramLabel = "N", description = "Batch sizes sent as soon as "
            + "reached, e.g. 4,8.")
    int[] preferredBatch = new int[0];

    @Option(names = "--instances", defaultValue = "1", description = "Engine instances per model, each with its own "
            + "inference thread (default: ${DEFAULT-VALUE}).")
    int instances;

    @Option(names = "--queue-mb", defaultValue = "256", description = "Memory budget of queued images per model, "
            + "and of request bodies in flight (default: ${DEFAULT-VALUE}).")
    long queueMb;

    @Option(names = "--queue-items", paramLabel = "N", description = "Most queued images per model (default: 64 x "
            + "--max-batch).")
    Integer queueItems;

    @Option(names = "--timeout-ms", defaultValue = "10000", description = "Request deadline; clients may only "
            + "shorten it (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(names = "--body-limit-mb", defaultValue = "20", description = "Largest request body (default: "
            + "${DEFAULT-VALUE}).")
    long bodyLimitMb;

    @Option(names = "--max-pixels", defaultValue = "40000000", description = "Largest image, width x height, "
            + "checked before decoding (default: ${DEFAULT-VALUE}).")
    long maxPixels;

    @Option(names = "--workers", paramLabel = "N", description = "Threads that decode images (default: one per "
            + "core).")
    Integer workers;

    @Option(names = "--api-key", paramLabel = "KEY", description = "Require this key on /v1 and /v2/models (default:"
            + " $" + API_KEY_ENV + ", else none).")
    String apiKey;

    @Option(names = "--cors", paramLabel = "ORIGIN", description = "Allow browser calls from this origin (* for "
            + "any). Off by default.")
    String cors;

    @Option(names = "--shutdown-grace-s", defaultValue = "10", description = "On SIGTERM, how long queued work may "
            + "finish (default: ${DEFAULT-VALUE}).")
    long shutdownGraceS;

    @Mixin
    CpuUint8Option cpuUint8 = new CpuUint8Option();

    @Override
    public Integer call() throws Exception {
        HttpServerConfig config = httpConfig();
        List<ModelSpec> specs = modelSpecs();
        PrintWriter out = spec.commandLine().getOut();
        // Detectors are opened so that the KServe tensor route can reach their engines; --max-pixels applies to
        // both the header check and the decoder.
        EngineTensorViews views = new EngineTensorViews();
        ServerRuntime runtime = ServerRuntime.start(config, specs,
                views.recording(DefaultModelLoader.standard(views.opener(config.maxPixels()))
                        .withCpuUint8Activations(cpuUint8.enabled())), views);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            runtime.shutdown();
            stopped.countDown();
            out.flush();
            System.err.flush();
            // SIGTERM is the normal way to stop a server: after a graceful drain, exit 0 instead of the JVM's 143.
            Runtime.getRuntime().halt(0);
        }, "peregrine-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        String shown = "0.0.0.0".equals(config.host()) || "::".equals(config.host()) ? "localhost" : config.host();
        out.println("peregrine: listening on http://" + shown + ":" + runtime.port() + "/ (" + names(specs)
                + "; ready at /health/ready)");
        if (runtime.grpcPort() >= 0) {
            out.println("peregrine: Open Inference Protocol over gRPC on " + shown + ":" + runtime.grpcPort()
                    + " (inference.GRPCInferenceService)");
        }
        out.flush();
        if (!reportWhenLoaded(runtime.registry(), out)) {
            // Not a graceful stop: leave the exit status to the error handler instead of the hook's exit 0.
            Runtime.getRuntime().removeShutdownHook(hook);
            runtime.shutdown();
            throw PeregrineException.unsupported("no model could be loaded; see the messages above");
        }
        stopped.await();
        return 0;
    }

    /** Prints one line per model once loading ends; false when no model could be loaded. */
    private static boolean reportWhenLoaded(ModelRegistry registry, PrintWriter out) throws Exception {
        registry.loaded().get();
        int ready = 0;
        for (ServedModel m : registry.all()) {
            if (m.state() == ServedModel.State.READY) {
                ready++;
                out.println("peregrine: model '" + m.name() + "' ready (" + m.engineDescription() + ", max batch "
                        + m.policy().maxBatch() + ")");
            } else {
                out.println("peregrine: model '" + m.name() + "' failed: " + m.failure().orElse(m.state().name()));
            }
        }
        out.flush();
        return ready > 0;
    }

    HttpServerConfig httpConfig() throws PeregrineException {
        requireRange("--port", port, 0, 65535);
        requireRange("--timeout-ms", timeoutMs, 1, Long.MAX_VALUE);
        requireRange("--body-limit-mb", bodyLimitMb, 1, 1L << 20);
        requireRange("--max-pixels", maxPixels, 1, Long.MAX_VALUE);
        requireRange("--queue-mb", queueMb, 1, 1L << 30);
        requireRange("--shutdown-grace-s", shutdownGraceS, 0, 24 * 3600);
        int threads = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
        requireRange("--workers", threads, 1, 1024);
        if (grpcPort != null) {
            requireRange("--grpc-port", grpcPort, 0, 65535);
            if (grpcPort != 0 && grpcPort == port) {
                throw PeregrineException.badInput("--grpc-port must differ from --port (" + port + ")");
            }
        }
        String key = apiKey != null ? apiKey : System.getenv(API_KEY_ENV);
        return new HttpServerConfig(host, port, bodyLimitMb << 20, maxPixels, key, cors, Duration.ofMillis(timeoutMs),
                Duration.ofSeconds(shutdownGraceS), threads, queueMb << 20, grpcPort == null ? -1 : grpcPort);
    }

    List<ModelSpec> modelSpecs() throws PeregrineException {
        requireRange("--max-batch", maxBatch, 1, 4096);
        requireRange("--max-delay-ms", maxDelayMs, 0, 60_000);
        requireRange("--instances", instances, 1, 64);
        int items = queueItems == null ? 64 * maxBatch : queueItems;
        requireRange("--queue-items", items, 1, Integer.MAX_VALUE);
        BatchPolicy policy = BatchPolicy.of(maxBatch, preferredBatch, Duration.ofMillis(maxDelayMs), queueMb << 20,
                items, Duration.ofMillis(timeoutMs));
        Device dev = device.device();
        List<ModelSpec> specs = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        List<String> given = models.isEmpty()
                ? List.of(DEFAULT_MODEL_NAME + "=" + installRoot().resolve(DEFAULT_MODEL)) : models;
        for (String m : given) {
            ModelSpec s = parseModel(m, dev, policy);
            if (!seen.add(s.name())) {
                throw PeregrineException.badInput("--model: the name '" + s.name() + "' is used twice");
            }
            specs.add(s);
        }
        return specs;
    }

    private ModelSpec parseModel(String value, Device dev, BatchPolicy policy) throws PeregrineException {
        int eq = value.indexOf('=');
        Path path = Path.of(eq < 0 ? value : value.substring(eq + 1));
        if (!Files.isRegularFile(path)) {
            throw PeregrineException.notFound("--model " + value + ": no such file " + path.toAbsolutePath());
        }
        if (eq < 0) {
            return ModelSpec.forFile(path, dev, policy, instances);
        }
        String name = value.substring(0, eq);
        if (!ModelNames.isValid(name)) {
            throw PeregrineException.badInput("--model " + value + ": the name must be 1 to 64 characters from "
                    + "A-Z a-z 0-9 . _ -");
        }
        return ModelSpec.of(name, path, dev, policy, instances);
    }

    /**
     * Where the launcher lives: the system property {@code peregrine.root} or the environment variable
     * {@code PEREGRINE_HOME} (the {@code peregrine} script sets it), else the working directory.
     */
    static Path installRoot() {
        String prop = System.getProperty("peregrine.root");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String env = System.getenv("PEREGRINE_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of("").toAbsolutePath();
    }

    private static String names(List<ModelSpec> specs) {
        List<String> n = new ArrayList<>();
        for (ModelSpec s : specs) {
            n.add(s.name());
        }
        return "models: " + String.join(", ", n);
    }

    private static void requireRange(String option, long value, long min, long max) throws PeregrineException {
        if (value < min || value > max) {
            throw PeregrineException.badInput(option + " must be in [" + min + ", " + max + "], got " + value);
        }
    }
}
