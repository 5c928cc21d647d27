package dev.peregrine.server.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the deployment files live and how to read them. The repository root comes from the system property
 * {@code peregrine.root} (set by the root pom's surefire configuration), else the nearest parent of the working
 * directory that has a {@code docker/} folder beside a {@code pom.xml}.
 */
final class DeploymentFiles {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private DeploymentFiles() {
    }

    /** The repository root. */
    static Path root() {
        String prop = System.getProperty("peregrine.root");
        if (prop != null && !prop.isBlank() && Files.isDirectory(Path.of(prop, "docker"))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("docker")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root with a docker/ folder above " + Path.of("").toAbsolutePath());
    }

    /** The {@code docker/} folder. */
    static Path docker() {
        return root().resolve("docker");
    }

    /** The three Dockerfiles. */
    static List<Path> dockerfiles() {
        return List.of(docker().resolve("Dockerfile.cpu"), docker().resolve("Dockerfile.cuda"),
                docker().resolve("Dockerfile.jetson"));
    }

    /** Every {@code .yaml}/{@code .yml} file under {@code docker/k8s}, sorted. */
    static List<Path> kubernetesFiles() {
        try (Stream<Path> s = Files.list(docker().resolve("k8s"))) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every YAML document of {@code file} (a file may hold several, separated by {@code ---}); empty ones dropped. */
    static List<JsonNode> yamlDocuments(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNextValue()) {
                JsonNode doc = it.nextValue();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    /** The single YAML document of {@code file}. */
    static JsonNode yaml(Path file) throws IOException {
        List<JsonNode> docs = yamlDocuments(file);
        if (docs.size() != 1) {
            throw new IllegalStateException(file + " holds " + docs.size() + " YAML documents, expected one");
        }
        return docs.get(0);
    }

    /** The elements of a YAML sequence of strings (empty for a missing node). */
    static List<String> strings(JsonNode sequence) {
        List<String> out = new ArrayList<>();
        sequence.forEach(n -> out.add(n.asText()));
        return out;
    }
}
