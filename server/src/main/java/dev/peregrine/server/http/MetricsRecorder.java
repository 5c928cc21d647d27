package dev.peregrine.server.http;

import dev.peregrine.server.metrics.ServerMetrics;

/** Reports finished requests to {@link ServerMetrics}. */
final class MetricsRecorder {
    private MetricsRecorder() {
    }

    /** A recorder writing to {@code metrics}. */
    static RequestRecorder of(ServerMetrics metrics) {
        return (endpoint, model, status, nanos) -> metrics.recordRequest(model, status, nanos);
    }
}
