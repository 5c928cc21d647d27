package dev.peregrine.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.engines.PeregrineException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the JSON that JMH writes with {@code -rf json -rff FILE} into {@link JmhResult}s. */
public final class JmhJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JmhJson() {
    }

    /**
     * Reads a JMH result file.
     *
     * @throws PeregrineException NOT_FOUND/BAD_INPUT when the file is missing or not JMH's JSON array
     */
    public static List<JmhResult> read(Path file) throws PeregrineException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
            throw PeregrineException.notFound("JMH result file not found: " + file);
        } catch (IOException e) {
            throw PeregrineException.badInput("cannot read JMH results " + file + ": " + e.getMessage());
        }
        return parse(root, file.toString());
    }

    /** Parses JMH's JSON array; {@code what} names the source in messages. */
    public static List<JmhResult> parse(JsonNode root, String what) throws PeregrineException {
        if (root == null || !root.isArray()) {
            throw PeregrineException.badInput(what + " is not a JMH JSON result (expected an array; run JMH with "
                    + "-rf json)");
        }
        List<JmhResult> out = new ArrayList<>();
        for (JsonNode b : root) {
            JsonNode metric = b.path("primaryMetric");
            if (!b.hasNonNull("benchmark") || !metric.has("score")) {
                throw PeregrineException.badInput(what + ": an entry lacks benchmark/primaryMetric.score");
            }
            Map<String, String> params = new LinkedHashMap<>();
            b.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
            JsonNode err = metric.get("scoreError");
            double error = err == null || !err.isNumber() ? Double.NaN : err.asDouble();
            out.add(new JmhResult(b.get("benchmark").asText(), params, b.path("mode").asText(),
                    metric.get("score").asDouble(), error, metric.path("scoreUnit").asText()));
        }
        return out;
    }
}
