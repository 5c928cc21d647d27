package dev.peregrine.engines.trt;

import dev.peregrine.engines.PeregrineException;

/**
 * A TensorRT library version. A serialized engine (plan) only deserializes with the exact version that built it,
 * so headers record it and the runtime compares it.
 *
 * @param major major version (10 on JetPack 6, 11 on current x86-64)
 * @param minor minor version
 * @param patch patch version
 */
public record TrtVersion(int major, int minor, int patch) {

    public TrtVersion {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("negative TensorRT version part: " + major + "." + minor + "." + patch);
        }
    }

    /**
     * Decodes the integer {@code getInferLibVersion()} returns: {@code major*10000 + minor*100 + patch} since
     * TensorRT 10 (10.3.0 = 100300), {@code major*1000 + minor*100 + patch} before (8.6.1 = 8601).
     */
    public static TrtVersion fromLibraryCode(int code) {
        if (code >= 100_000) {
            return new TrtVersion(code / 10_000, code / 100 % 100, code % 100);
        }
        return new TrtVersion(code / 1000, code / 100 % 10, code % 100);
    }

    /**
     * Parses {@code major.minor.patch} (a missing patch reads as 0).
     *
     * @throws PeregrineException BAD_INPUT when the text is not a version
     */
    public static TrtVersion parse(String text) throws PeregrineException {
        String[] parts = text.trim().split("\\.");
        if (parts.length < 2 || parts.length > 4) {
            throw PeregrineException.badInput("not a TensorRT version: '" + text + "'");
        }
        try {
            return new TrtVersion(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
                    parts.length > 2 ? Integer.parseInt(parts[2]) : 0);
        } catch (IllegalArgumentException e) {
            throw PeregrineException.badInput("not a TensorRT version: '" + text + "'");
        }
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
