package dev.peregrine.server.model;

import dev.peregrine.engines.Device;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.server.batch.BatchPolicy;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One model to serve.
 *
 * @param name      name in URLs and metric labels: letters, digits, {@code . _ -}, at most 64 characters
 * @param path      model file: {@code .onnx}, {@code .pt} (exported on load, cached) or {@code .engine}
 * @param device    where to run it
 * @param policy    batching and queue limits
 * @param instances engine instances, each with its own inference thread
 */
public record ModelSpec(String name, Path path, Device device, BatchPolicy policy, int instances) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** Validates; {@link #of} reports the same problems as BAD_INPUT. */
    public ModelSpec {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("model name '" + name
                    + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(policy, "policy");
        if (instances < 1) {
            throw new IllegalArgumentException("instances must be >= 1 for model '" + name + "', got " + instances);
        }
    }

    /** Like the constructor, but reports invalid values as BAD_INPUT. */
    public static ModelSpec of(String name, Path path, Device device, BatchPolicy policy, int instances)
            throws PeregrineException {
        try {
            return new ModelSpec(name, path, device, policy, instances);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw PeregrineException.badInput("invalid model spec: " + e.getMessage());
        }
    }

    /**
     * A spec named after the file (its name without extension, characters outside the allowed set replaced by
     * {@code _}).
     */
    public static ModelSpec forFile(Path path, Device device, BatchPolicy policy, int instances)
            throws PeregrineException {
        String file = path.getFileName() == null ? "model" : path.getFileName().toString();
        int dot = file.lastIndexOf('.');
        String stem = (dot > 0 ? file.substring(0, dot) : file).replaceAll("[^A-Za-z0-9._-]", "_");
        if (stem.length() > 64) {
            stem = stem.substring(0, 64);
        }
        return of(stem.isEmpty() ? "model" : stem, path, device, policy, instances);
    }
}
