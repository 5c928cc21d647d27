package dev.peregrine.bench.loadgen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Computes {@link ServerSideFigures} from two scrapes of a Peregrine server: cumulative histogram buckets and
 * counters are subtracted, so the figures cover only what happened between the scrapes.
 *
 * <p>Series read: {@code peregrine_batch_size_bucket/_count/_sum{model}},
 * {@code peregrine_queue_latency_seconds_bucket/_count/_sum{model}}, {@code peregrine_requests_total{model,status}}.
 */
public final class MetricsDelta {
    private MetricsDelta() {
    }

    /** The figures of {@code model} between {@code before} and {@code after}. */
    public static ServerSideFigures of(PrometheusText before, PrometheusText after, String model) {
        Map<String, String> m = Map.of("model", model);
        Map<Integer, Long> sizes = batchSizes(before, after, m);
        long batches = Math.round(delta(before, after, "peregrine_batch_size_count", m));
        double sizeSum = delta(before, after, "peregrine_batch_size_sum", m);
        double qCount = delta(before, after, "peregrine_queue_latency_seconds_count", m);
        double qSum = delta(before, after, "peregrine_queue_latency_seconds_sum", m);
        TreeMap<Double, Double> qBuckets = buckets(before, after, "peregrine_queue_latency_seconds_bucket", m);
        Map<String, Long> requests = new TreeMap<>();
        for (PrometheusText.Sample s : after.find("peregrine_requests_total", m)) {
            String status = s.labels().getOrDefault("status", "?");
            double d = s.value() - before.sum("peregrine_requests_total", Map.of("model", model, "status", status));
            if (d > 0) {
                requests.merge(status, Math.round(d), Long::sum);
            }
        }
        return new ServerSideFigures(sizes, batches, batches > 0 ? sizeSum / batches : Double.NaN,
                qCount > 0 ? qSum / qCount * 1000 : Double.NaN, quantileBound(qBuckets, 0.50) * 1000,
                quantileBound(qBuckets, 0.99) * 1000, requests);
    }

    /** Per-size batch counts from the cumulative {@code le} buckets (bucket {@code le=k} holds sizes <= k). */
    static Map<Integer, Long> batchSizes(PrometheusText before, PrometheusText after, Map<String, String> m) {
        TreeMap<Double, Double> cumulative = buckets(before, after, "peregrine_batch_size_bucket", m);
        Map<Integer, Long> out = new TreeMap<>();
        double previous = 0;
        for (var e : cumulative.entrySet()) {
            long count = Math.round(e.getValue() - previous);
            previous = e.getValue();
            if (count > 0 && !e.getKey().isInfinite()) {
                out.put((int) Math.round(e.getKey()), count);
            }
        }
        return out;
    }

    /** Cumulative bucket counts by upper bound, after minus before. */
    static TreeMap<Double, Double> buckets(PrometheusText before, PrometheusText after, String name,
            Map<String, String> m) {
        Map<Double, Double> start = new HashMap<>();
        for (PrometheusText.Sample s : before.find(name, m)) {
            start.merge(le(s), s.value(), Double::sum);
        }
        TreeMap<Double, Double> out = new TreeMap<>();
        for (PrometheusText.Sample s : after.find(name, m)) {
            double bound = le(s);
            if (!Double.isNaN(bound)) {
                out.merge(bound, s.value(), Double::sum);
            }
        }
        out.replaceAll((bound, v) -> v - start.getOrDefault(bound, 0.0));
        return out;
    }

    /** Upper bound of the first bucket whose cumulative count reaches quantile {@code q}; NaN when empty. */
    static double quantileBound(TreeMap<Double, Double> cumulative, double q) {
        if (cumulative.isEmpty()) {
            return Double.NaN;
        }
        double total = cumulative.lastEntry().getValue();
        if (total <= 0) {
            return Double.NaN;
        }
        List<Map.Entry<Double, Double>> entries = new ArrayList<>(cumulative.entrySet());
        for (Map.Entry<Double, Double> e : entries) {
            if (e.getValue() >= q * total) {
                return e.getKey();
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    private static double le(PrometheusText.Sample s) {
        String v = s.labels().get("le");
        if (v == null) {
            return Double.NaN;
        }
        try {
            return v.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, Map<String, String> m) {
        return after.sum(name, m) - before.sum(name, m);
    }
}
