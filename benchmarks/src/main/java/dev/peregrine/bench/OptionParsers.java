package dev.peregrine.bench;

import dev.peregrine.engines.PeregrineException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the option values of {@code bench} and {@code loadgen}: integer lists, durations and rates. */
public final class OptionParsers {
    /** Largest batch or concurrency accepted (a guard against typos such as {@code 10000}). */
    public static final int MAX_LIST_VALUE = 4096;
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min|h)?");
    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(?:/\\s*s)?");

    private OptionParsers() {
    }

    /**
     * A comma-separated list of positive integers such as {@code 1,4,8}; repeated values are dropped, order kept.
     *
     * @param option the option name, for messages
     * @throws PeregrineException BAD_INPUT for an empty list, a non-number, or a value outside 1..{@value
     *                            #MAX_LIST_VALUE}
     */
    public static List<Integer> positiveInts(String csv, String option) throws PeregrineException {
        Set<Integer> out = new LinkedHashSet<>();
        for (String part : csv.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int v;
            try {
                v = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw PeregrineException.badInput(option + " takes comma-separated integers such as 1,4,8; got '"
                        + part.trim() + "'");
            }
            if (v < 1 || v > MAX_LIST_VALUE) {
                throw PeregrineException.badInput(option + " values must be in 1.." + MAX_LIST_VALUE + ", got " + v);
            }
            out.add(v);
        }
        if (out.isEmpty()) {
            throw PeregrineException.badInput(option + " needs at least one value, got '" + csv + "'");
        }
        return new ArrayList<>(out);
    }

    /**
     * A duration such as {@code 20s}, {@code 500ms}, {@code 1.5s}, {@code 2m} or a bare number of seconds.
     *
     * @param option the option name, for messages
     * @throws PeregrineException BAD_INPUT for anything else, or a negative value
     */
    public static Duration duration(String text, String option) throws PeregrineException {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw PeregrineException.badInput(option + " takes a duration such as 20s, 500ms or 2m; got '" + text
                    + "'");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double nanos = switch (unit) {
            case "ms" -> value * 1e6;
            case "s" -> value * 1e9;
            case "m", "min" -> value * 60e9;
            case "h" -> value * 3600e9;
            default -> throw new IllegalStateException(unit);
        };
        if (nanos > Duration.ofDays(1).toNanos()) {
            throw PeregrineException.badInput(option + " must be at most one day, got '" + text + "'");
        }
        return Duration.ofNanos(Math.round(nanos));
    }

    /**
     * A request rate such as {@code 50/s} or {@code 50} (per second).
     *
     * @throws PeregrineException BAD_INPUT for anything else or a rate that is not positive
     */
    public static double rate(String text, String option) throws PeregrineException {
        Matcher m = RATE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw PeregrineException.badInput(option + " takes a rate such as 50/s; got '" + text + "'");
        }
        double r = Double.parseDouble(m.group(1));
        if (r <= 0 || r > 1_000_000) {
            throw PeregrineException.badInput(option + " must be in (0, 1000000] requests/s, got '" + text + "'");
        }
        return r;
    }

    /** Formats a duration the way the parsers read it ({@code 20s}, {@code 500ms}). */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 == 0) {
            return (ms / 1000) + "s";
        }
        return ms + "ms";
    }
}
