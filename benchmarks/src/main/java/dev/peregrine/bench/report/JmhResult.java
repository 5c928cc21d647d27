package dev.peregrine.bench.report;

import java.util.Map;

/**
 * One JMH benchmark result, as read from JMH's JSON output ({@code -rf json}).
 *
 * @param benchmark fully qualified benchmark method
 * @param params    the {@code @Param} values of this run
 * @param mode      JMH mode ({@code avgt}, {@code thrpt})
 * @param score     primary score
 * @param error     99.9 % confidence half-width, NaN when JMH gave none
 * @param unit      unit of the score, e.g. {@code us/op}
 */
public record JmhResult(String benchmark, Map<String, String> params, String mode, double score, double error,
        String unit) {

    public JmhResult {
        params = Map.copyOf(params);
    }
}
