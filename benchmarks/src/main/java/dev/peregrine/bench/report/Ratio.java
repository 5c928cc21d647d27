package dev.peregrine.bench.report;

/**
 * A derived comparison figure, e.g. Peregrine's throughput over DJL's.
 *
 * @param name   what is compared ({@code peregrine/djl throughput, end-to-end, batch 1})
 * @param value  the ratio
 * @param target the goal it is held against, or NaN when there is none
 * @param detail the figures it came from
 */
public record Ratio(String name, double value, double target, String detail) {

    /** True when a target exists and the value reaches it (for "higher is better" ratios). */
    public boolean meetsTarget() {
        return !Double.isNaN(target) && value >= target;
    }
}
