package dev.peregrine.server.model;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.exporter.Exporter;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Identifies the build of the exporter module on the class path, for cache keys of files it produced: a new build
 * (same version string, different graph or pass) must not reuse files of the old one.
 */
final class ExporterBuild {
    private static final String ID = "peregrine-exporter " + Exporter.PRODUCER_VERSION + " " + jarHash();

    private ExporterBuild() {
    }

    /** The exporter's version and the SHA-256 of its jar ({@code jar=<hex>}; empty when run from classes). */
    static String id() {
        return ID;
    }

    private static String jarHash() {
        try {
            var source = Exporter.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return "";
            }
            Path location = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(location) ? "jar=" + ExportCache.sha256Hex(location) : "";
        } catch (URISyntaxException | SecurityException | PeregrineException | IllegalArgumentException e) {
            return "";
        }
    }
}
