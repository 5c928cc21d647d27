package dev.peregrine.server.http;

import dev.peregrine.engines.PeregrineException;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, validated access to query parameters. Every failure is BAD_INPUT naming the parameter, the accepted range
 * and the value received.
 */
final class QueryValues {
    private final MultiMap params;

    QueryValues(MultiMap params) {
        this.params = params;
    }

    /**
     * Rejects parameters outside {@code known}, so that a typo ({@code confidence=0.5}) is an error instead of a
     * silently ignored setting.
     */
    void requireOnly(Set<String> known) throws PeregrineException {
        for (String name : params.names()) {
            if (!known.contains(name)) {
                throw PeregrineException.badInput("unknown query parameter '" + ModelNames.abbreviate(name)
                        + "' (accepted: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    /** The single value of {@code name}, or null when absent. */
    String single(String name) throws PeregrineException {
        List<String> all = params.getAll(name);
        if (all.isEmpty()) {
            return null;
        }
        if (all.size() > 1) {
            throw PeregrineException.badInput("query parameter '" + name + "' is given " + all.size()
                    + " times; give it once");
        }
        return all.get(0).trim();
    }

    /** A float in {@code [min, max]}, or {@code fallback} when absent. */
    float floatIn(String name, float min, float max, float fallback) throws PeregrineException {
        String v = single(name);
        if (v == null) {
            return fallback;
        }
        float f;
        try {
            f = Float.parseFloat(v);
        } catch (NumberFormatException e) {
            throw outOfRange(label(name), "a number in [" + min + ", " + max + "]", v);
        }
        if (!(f >= min && f <= max)) {
            throw outOfRange(label(name), "a number in [" + min + ", " + max + "]", v);
        }
        return f;
    }

    /** An integer in {@code [min, max]}, or {@code fallback} when absent. */
    long longIn(String name, long min, long max, long fallback) throws PeregrineException {
        String v = single(name);
        if (v == null) {
            return fallback;
        }
        return parseLong(label(name), v, min, max);
    }

    /** {@code true/false/1/0/yes/no}, or {@code fallback} when absent. */
    boolean bool(String name, boolean fallback) throws PeregrineException {
        String v = single(name);
        if (v == null) {
            return fallback;
        }
        return parseBool(label(name), v);
    }

    /**
     * Integers in {@code [min, max]} from comma-separated values and/or repeated parameters
     * ({@code classes=0,2} or {@code classes=0&classes=2}); null when absent.
     */
    int[] intList(String name, int min, int max) throws PeregrineException {
        List<String> all = params.getAll(name);
        if (all.isEmpty()) {
            return null;
        }
        List<String> items = all.stream().flatMap(s -> List.of(s.split(",", -1)).stream()).map(String::trim).toList();
        int[] out = new int[items.size()];
        for (int i = 0; i < out.length; i++) {
            if (items.get(i).isEmpty()) {
                throw outOfRange(label(name), "a comma-separated list of integers in [" + min + ", " + max + "]",
                        String.join(",", all));
            }
            out[i] = (int) parseLong(label(name), items.get(i), min, max);
        }
        return out;
    }

    /** Parses an integer in {@code [min, max]}; {@code label} names the value in the error message. */
    static long parseLong(String label, String v, long min, long max) throws PeregrineException {
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw outOfRange(label, "an integer in [" + min + ", " + max + "]", v);
        }
        if (n < min || n > max) {
            throw outOfRange(label, "an integer in [" + min + ", " + max + "]", v);
        }
        return n;
    }

    /** Parses a boolean; {@code label} names the value in the error message. */
    static boolean parseBool(String label, String v) throws PeregrineException {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw outOfRange(label, "true or false", v);
        };
    }

    /** How messages name a query parameter. */
    static String label(String name) {
        return "query parameter '" + name + "'";
    }

    private static PeregrineException outOfRange(String label, String expected, String got) {
        return PeregrineException.badInput(label + " must be " + expected + ", got '" + ModelNames.abbreviate(got)
                + "'");
    }
}
