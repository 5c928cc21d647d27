package dev.peregrine.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the reference fixtures ({@code ../shared/fixtures}, or the system property {@code peregrine.fixtures}).
 * Tests that need them call {@link #root()}: without the folder the test is skipped with a message, except under
 * {@code CI=true}, where a missing folder fails the run (CI always has it).
 */
public final class Fixtures {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonNode manifest;

    private Fixtures() {
    }

    /** The fixtures folder; skips (or, on CI, fails) the calling test when it is absent. */
    public static Path root() {
        Path p = Path.of(System.getProperty("peregrine.fixtures", "../shared/fixtures")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(p.resolve("manifest.json"))) {
            String msg = "reference fixtures not found at " + p + " (set -Dperegrine.fixtures=DIR)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg + ": CI must have them");
            }
            Assumptions.abort(msg + ": skipping");
        }
        return p;
    }

    /** A file under the fixtures folder, e.g. {@code tiny/yolov8n.onnx}. */
    public static Path file(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            fail("fixture file missing: " + p);
        }
        return p;
    }

    /** The parsed {@code manifest.json}. */
    public static synchronized JsonNode manifest() {
        if (manifest == null) {
            manifest = readJson(file("manifest.json"));
        }
        return manifest;
    }

    /**
     * The manifest entry of a model. {@code set} is {@code tiny} or {@code full} (several sets share model names).
     */
    public static JsonNode model(String set, String name) {
        for (JsonNode m : manifest().get("models")) {
            if (m.get("name").asText().equals(name) && set.equals(m.path("set").asText())) {
                return m;
            }
        }
        throw new IllegalArgumentException("no model " + set + "/" + name + " in manifest.json");
    }

    /** Parses a JSON file. */
    public static JsonNode readJson(Path p) {
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
