package dev.peregrine.bench.report;

import java.util.Locale;

/** Number formatting shared by the writers: NaN and null become empty (CSV) or a dash (Markdown). */
final class Cells {
    private Cells() {
    }

    /** {@code value} with {@code decimals} decimals, or {@code ""} for NaN. */
    static String num(double value, int decimals) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** {@code value} with {@code decimals} decimals, or {@code ""} for null/NaN. */
    static String num(Double value, int decimals) {
        return value == null ? "" : num(value.doubleValue(), decimals);
    }

    /** {@code value} as is, or {@code ""} for null. */
    static String num(Long value) {
        return value == null ? "" : Long.toString(value);
    }

    /** Bytes as MiB with one decimal, or {@code ""} for null. */
    static String mib(Long bytes) {
        return bytes == null ? "" : String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
    }

    /** Markdown cell: the text or a dash when empty, with pipes escaped and line breaks flattened. */
    static String md(String text) {
        if (text == null || text.isEmpty()) {
            return "–";
        }
        return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }
}
