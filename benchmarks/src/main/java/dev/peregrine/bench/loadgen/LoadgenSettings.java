package dev.peregrine.bench.loadgen;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The parsed options of {@code peregrine loadgen}.
 *
 * @param url          server base URL, e.g. {@code http://127.0.0.1:8080}
 * @param model        served model name
 * @param concurrency  closed-loop steps: requests kept in flight per step (ignored when {@code rate} is set)
 * @param rate         open-loop request rate per second, or null for closed-loop steps
 * @param warmup       uncounted warm-up before each closed-loop step, at its concurrency (may be zero)
 * @param duration     length of each step
 * @param maxRequests  most requests sent per step
 * @param timeout      per-request timeout; also the longest a step waits for its last responses
 * @param commandLine  the command line, for reports
 */
public record LoadgenSettings(URI url, String model, List<Integer> concurrency, Double rate, Duration warmup, Duration duration,
        long maxRequests, Duration timeout, String commandLine) {

    public LoadgenSettings {
        concurrency = List.copyOf(concurrency);
        if (maxRequests < 1) {
            throw new IllegalArgumentException("maxRequests must be >= 1");
        }
    }

    /** The detect endpoint of the model. */
    public URI detectUri() {
        return url.resolve("/v1/models/" + java.net.URLEncoder.encode(model, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20") + "/detect");
    }

    /** The metrics endpoint. */
    public URI metricsUri() {
        return url.resolve("/metrics");
    }
}
