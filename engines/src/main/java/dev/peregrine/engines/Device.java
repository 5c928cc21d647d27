package dev.peregrine.engines;

import java.util.Locale;

/**
 * Where a model runs: the CPU, or CUDA device {@code index}.
 *
 * @param kind  CPU or CUDA
 * @param index CUDA device ordinal; 0 for the CPU
 */
public record Device(Kind kind, int index) {
    /** Device families. */
    public enum Kind { CPU, CUDA }

    /** The CPU. */
    public static final Device CPU = new Device(Kind.CPU, 0);

    public Device {
        if (index < 0) {
            throw new IllegalArgumentException("device index must be >= 0, got " + index);
        }
    }

    /** Parses {@code cpu}, {@code cuda}, {@code cuda:N} or a bare GPU index {@code N} (Ultralytics' {@code device=0}). */
    public static Device parse(String text) throws PeregrineException {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("cpu")) {
            return CPU;
        }
        if (t.equals("cuda") || t.equals("gpu")) {
            return new Device(Kind.CUDA, 0);
        }
        String digits = t.startsWith("cuda:") ? t.substring(5) : t;
        try {
            return new Device(Kind.CUDA, Integer.parseInt(digits));
        } catch (IllegalArgumentException e) {
            throw PeregrineException.badInput("unknown device '" + text + "' (expected cpu, cuda or cuda:N)");
        }
    }

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "cuda:" + index;
    }
}
