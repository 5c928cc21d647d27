package dev.peregrine.bench.loadgen;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The parsed options of {@code peregrine loadgen}.
 *
 * @param url          server base URL, e.g. {@code http://127.0.0.1:8080} (REST routes and {@code /metrics})
 * @param model        served model name
 * @param protocol     what the requests are
 * @param batch        images per request of a tensor protocol (1 for {@link Protocol#DETECT})
 * @param grpcPort     the server's gRPC port on the URL's host ({@link Protocol#V2_GRPC})
 * @param concurrency  closed-loop steps: requests kept in flight per step (ignored when {@code rate} is set)
 * @param rate         open-loop request rate per second, or null for closed-loop steps
 * @param warmup       uncounted warm-up before each closed-loop step, at its concurrency (may be zero)
 * @param duration     length of each step
 * @param maxRequests  most requests sent per step
 * @param timeout      per-request timeout; also the longest a step waits for its last responses
 * @param commandLine  the command line, for reports
 */
public record LoadgenSettings(URI url, String model, Protocol protocol, int batch, int grpcPort,
        List<Integer> concurrency, Double rate, Duration warmup, Duration duration, long maxRequests, Duration timeout,
        String commandLine) {

    /** The gRPC port Triton and {@code peregrine serve --grpc-port} examples use. */
    public static final int DEFAULT_GRPC_PORT = 8001;

    public LoadgenSettings {
        concurrency = List.copyOf(concurrency);
        if (maxRequests < 1) {
            throw new IllegalArgumentException("maxRequests must be >= 1");
        }
        if (batch < 1 || (batch > 1 && !protocol.sendsTensors())) {
            throw new IllegalArgumentException("batch must be 1 for detect and >= 1 for tensors, got " + batch);
        }
    }

    /** Detect requests of one image each, gRPC port unused: the settings of {@link Protocol#DETECT}. */
    public static LoadgenSettings detect(URI url, String model, List<Integer> concurrency, Double rate,
            Duration warmup, Duration duration, long maxRequests, Duration timeout, String commandLine) {
        return new LoadgenSettings(url, model, Protocol.DETECT, 1, DEFAULT_GRPC_PORT, concurrency, rate, warmup,
                duration, maxRequests, timeout, commandLine);
    }

    /** The detect endpoint of the model. */
    public URI detectUri() {
        return url.resolve("/v1/models/" + encodedModel() + "/detect");
    }

    /** The model's Open Inference Protocol metadata endpoint. */
    public URI v2ModelUri() {
        return url.resolve("/v2/models/" + encodedModel());
    }

    /** The model's Open Inference Protocol inference endpoint. */
    public URI v2InferUri() {
        return url.resolve("/v2/models/" + encodedModel() + "/infer");
    }

    /** The host of the URL, without the brackets of an IPv6 literal. */
    public String host() {
        String h = url.getHost();
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    /** What the requests go to, for reports: a URL, or the gRPC address and method. */
    public String target() {
        return switch (protocol) {
            case DETECT -> detectUri().toString();
            case V2_REST -> v2InferUri().toString();
            case V2_GRPC -> "grpc://" + url.getHost() + ":" + grpcPort + " inference.GRPCInferenceService/ModelInfer"
                    + " (model " + model + ")";
        };
    }

    /** The metrics endpoint. */
    public URI metricsUri() {
        return url.resolve("/metrics");
    }

    private String encodedModel() {
        return URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
