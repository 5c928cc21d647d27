package dev.peregrine.bench.loadgen;

import dev.peregrine.bench.LatencyStats;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one load step measured on the client, plus the server's own figures for the step.
 *
 * @param label        {@code concurrency 4} or {@code rate 50/s}
 * @param concurrency  requests kept in flight (closed loop), 0 for an open-loop step
 * @param rate         intended requests per second (open loop), NaN for a closed-loop step
 * @param sent         requests sent
 * @param ok           successful responses (HTTP 200, gRPC OK)
 * @param seconds      wall time from the first send to the last response
 * @param okPerSecond  successful responses per second
 * @param latency      latency of successful requests (open loop: from the intended send time)
 * @param outsideDetector per successful request, its latency less the detector's own time as the server reported
 *                     it (preprocess + inference): HTTP, JSON, queueing and hand-overs; null when the server did
 *                     not report stage times
 * @param outcomes     every outcome by HTTP status, gRPC status name or client error ({@code timeout}, {@code io-error},
 *                     {@code client-backlog})
 * @param server       the server's figures from {@code /metrics}, or null when they could not be read
 * @param note         why the server figures are missing, or empty
 */
public record StepResult(String label, int concurrency, double rate, long sent, long ok, double seconds,
        double okPerSecond, LatencyStats latency, LatencyStats outsideDetector, Map<String, Long> outcomes, ServerSideFigures server,
        String note) {

    public StepResult {
        outcomes = Collections.unmodifiableMap(new TreeMap<>(outcomes));
        note = note == null ? "" : note;
    }

    /** Outcomes that were not a success: errors, timeouts, requests the client could not send. */
    public long errors() {
        return outcomes.values().stream().mapToLong(Long::longValue).sum() - ok;
    }
}
