package dev.peregrine.server.model;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * The file a model actually runs from, and how it was derived from the file it was configured with: a {@code .pt}
 * checkpoint runs from its cached ONNX export, an INT8 model on the CPU may run from its cached uint8-activation
 * form, everything else from its own file.
 *
 * @param source     the file named in the configuration or on the command line
 * @param file       the file handed to the engine
 * @param derivation how {@code file} was made from {@code source}
 */
public record ModelArtifact(Path source, Path file, Derivation derivation) {

    /** How the file that runs was made from the configured one. */
    public enum Derivation {
        /** The configured file runs as it is. */
        AS_IS("the file as given"),
        /** An Ultralytics checkpoint exported to ONNX by the Java exporter (cached by content hash). */
        EXPORTED("exported to ONNX by the Java exporter"),
        /**
         * An INT8 Q/DQ model with int8 activations rewritten to uint8 activations (same values, zero point 128),
         * the form ONNX Runtime's CPU integer kernels fuse.
         */
        UINT8_ACTIVATIONS("int8 activations converted to uint8 for ONNX Runtime's CPU integer kernels");

        private final String description;

        Derivation(String description) {
            this.description = description;
        }

        /** A short phrase for logs and CLI output. */
        public String description() {
            return description;
        }

        /** The lower-case name used in JSON ({@code as_is}, {@code exported}, {@code uint8_activations}). */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Validates that a file running as is is the configured file, and a derived one is not. */
    public ModelArtifact {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(derivation, "derivation");
        if ((derivation == Derivation.AS_IS) != source.equals(file)) {
            throw new IllegalArgumentException(derivation + " but source " + source + " and file " + file);
        }
    }

    /** The configured file, running as it is. */
    public static ModelArtifact asIs(Path source) {
        return new ModelArtifact(source, source, Derivation.AS_IS);
    }

    /** True when the engine runs a file derived from the configured one. */
    public boolean derived() {
        return derivation != Derivation.AS_IS;
    }

    /** One line for the CLI: e.g. {@code best.pt: exported to ONNX by the Java exporter (models/cache/best-….onnx)}. */
    public String describe() {
        return derived() ? source.getFileName() + ": " + derivation.description() + " (" + file + ")"
                : source.getFileName() + ": " + derivation.description();
    }
}
