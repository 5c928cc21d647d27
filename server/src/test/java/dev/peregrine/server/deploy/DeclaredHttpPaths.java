package dev.peregrine.server.deploy;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every HTTP path the deployment files expect the server to answer: Dockerfile and compose health checks,
 * Kubernetes/KServe probes ({@code httpGet} anywhere in a manifest), Prometheus scrape paths (compose's
 * {@code prometheus.yml} and the {@code prometheus.io/path} / {@code prometheus.kserve.io/path} annotations).
 */
final class DeclaredHttpPaths {
    private static final Pattern URL = Pattern.compile("https?://[^/\\s\"']+(/[^\\s\"'|]*)");

    private DeclaredHttpPaths() {
    }

    /** Path to the places (file and what) that declare it, sorted. */
    static Map<String, TreeSet<String>> collect() throws IOException {
        Map<String, TreeSet<String>> paths = new TreeMap<>();
        for (Path f : DeploymentFiles.dockerfiles()) {
            Dockerfile d = Dockerfile.read(f);
            for (Dockerfile.Instruction h : d.all("HEALTHCHECK")) {
                urlPaths(h.args()).forEach(p -> add(paths, p, f.getFileName() + " HEALTHCHECK"));
            }
        }
        Path compose = DeploymentFiles.docker().resolve("compose.yml");
        DeploymentFiles.yaml(compose).path("services").fields().forEachRemaining(s -> {
            String test = String.join(" ", DeploymentFiles.strings(s.getValue().path("healthcheck").path("test")));
            urlPaths(test).forEach(p -> add(paths, p, "compose.yml " + s.getKey() + " healthcheck"));
        });
        Path prometheus = DeploymentFiles.docker().resolve("prometheus.yml");
        for (JsonNode job : DeploymentFiles.yaml(prometheus).path("scrape_configs")) {
            add(paths, job.path("metrics_path").asText("/metrics"), "prometheus.yml job " + job.path("job_name").asText());
        }
        for (Path f : DeploymentFiles.kubernetesFiles()) {
            for (JsonNode doc : DeploymentFiles.yamlDocuments(f)) {
                walk(doc, f.getFileName() + " " + doc.path("kind").asText() + "/"
                        + doc.path("metadata").path("name").asText(), paths);
            }
        }
        return paths;
    }

    private static void walk(JsonNode node, String where, Map<String, TreeSet<String>> paths) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                String key = e.getKey();
                if (key.equals("httpGet")) {
                    add(paths, e.getValue().path("path").asText(), where + " probe");
                } else if (key.equals("prometheus.io/path") || key.equals("prometheus.kserve.io/path")) {
                    add(paths, e.getValue().asText(), where + " " + key);
                } else {
                    walk(e.getValue(), where, paths);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> walk(n, where, paths));
        }
    }

    /** The paths of the http(s) URLs in {@code text}. */
    static List<String> urlPaths(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = URL.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static void add(Map<String, TreeSet<String>> paths, String path, String where) {
        paths.computeIfAbsent(path, p -> new TreeSet<>()).add(where);
    }
}
