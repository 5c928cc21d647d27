package dev.peregrine.bench.loadgen;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the server's {@code /metrics} say about one load step: the difference between a scrape before and one after
 * the step, for one model.
 *
 * @param batchSizes     batches run by size (from the {@code peregrine_batch_size} histogram)
 * @param batches        number of batches run
 * @param meanBatch      mean batch size, NaN without batches
 * @param queueMeanMs    mean time a request waited in the queue, NaN when unknown
 * @param queueP50MaxMs  upper bound of the histogram bucket holding the median queue time, NaN when unknown
 * @param queueP99MaxMs  upper bound of the bucket holding the 99th percentile queue time, NaN when unknown
 * @param requests       requests the server answered for the model, by HTTP status
 */
public record ServerSideFigures(Map<Integer, Long> batchSizes, long batches, double meanBatch, double queueMeanMs,
        double queueP50MaxMs, double queueP99MaxMs, Map<String, Long> requests) {

    public ServerSideFigures {
        // Sorted and kept sorted (Map.copyOf would lose the order): reports list sizes ascending.
        batchSizes = Collections.unmodifiableMap(new TreeMap<>(batchSizes));
        requests = Collections.unmodifiableMap(new TreeMap<>(requests));
    }
}
