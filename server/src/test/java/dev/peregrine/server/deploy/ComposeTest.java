package dev.peregrine.server.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker/compose.yml} and {@code docker/prometheus.yml}: builds point at real Dockerfiles, every Peregrine
 * service's command parses with the real command line, ports, health checks and the stop grace period agree with
 * that command, the GPU chain passes files from one service to the next, and Prometheus scrapes real services.
 */
class ComposeTest {
    /**
     * Time the server may still need after its grace period: a batch already inside the engine is awaited up to
     * 10 s beyond the grace (ModelRegistry.close), then answers and listeners close.
     */
    static final long BEYOND_GRACE_S = 10;

    private static JsonNode compose;
    private static Map<String, JsonNode> services;
    private static Map<String, CliLine> commands;

    @BeforeAll
    static void read() throws IOException {
        compose = DeploymentFiles.yaml(DeploymentFiles.docker().resolve("compose.yml"));
        services = new HashMap<>();
        commands = new HashMap<>();
        compose.path("services").fields().forEachRemaining(e -> {
            services.put(e.getKey(), e.getValue());
            if (e.getValue().path("image").asText().startsWith("peregrine:")) {
                commands.put(e.getKey(), CliLine.parse("compose.yml service " + e.getKey(),
                        DeploymentFiles.strings(e.getValue().path("command"))));
            }
        });
    }

    @Test
    void everyPeregrineServiceBuildsItsImageFromTheMatchingDockerfileWithTheRepositoryAsContext() {
        int builds = 0;
        for (Map.Entry<String, JsonNode> s : services.entrySet()) {
            String image = s.getValue().path("image").asText();
            if (!image.startsWith("peregrine:")) {
                assertThat(s.getValue().has("build")).as(s.getKey() + " uses a published image").isFalse();
                continue;
            }
            // A service without a build section would make compose try to pull the local-only image.
            JsonNode build = s.getValue().path("build");
            assertThat(build.isObject()).as(s.getKey() + " has a build section").isTrue();
            builds++;
            Path context = DeploymentFiles.docker().resolve(build.path("context").asText()).normalize();
            assertThat(context).as(s.getKey() + " build context").isEqualTo(DeploymentFiles.root());
            Path dockerfile = context.resolve(build.path("dockerfile").asText());
            assertThat(dockerfile).as(s.getKey() + " dockerfile").isRegularFile();
            assertThat(dockerfile.getFileName().toString()).as(s.getKey() + ": image " + image + " is built from")
                    .isEqualTo("Dockerfile." + image.substring("peregrine:".length()));
        }
        assertThat(builds).as("peregrine, onnx-export, engine-build, peregrine-gpu").isEqualTo(4);
    }

    @Test
    void serversListenOnThePublishedPortAnswerTheirHealthCheckAndStopWithinTheGracePeriod() {
        List<String> servers = new ArrayList<>();
        commands.forEach((name, cmd) -> {
            if (!cmd.subcommand().equals("serve")) {
                return;
            }
            servers.add(name);
            JsonNode s = services.get(name);
            int port = cmd.<Integer>option("--port");
            assertThat(cmd.<String>option("--host")).isEqualTo("0.0.0.0");
            assertThat(DeploymentFiles.strings(s.path("ports"))).as(name + " publishes its --port")
                    .anyMatch(p -> p.endsWith(":" + port));
            String test = String.join(" ", DeploymentFiles.strings(s.path("healthcheck").path("test")));
            assertThat(test).as(name + " health check").contains("http://127.0.0.1:" + port + "/health/ready");
            assertThat(s.path("stop_signal").asText()).isEqualTo("SIGTERM");
            long grace = cmd.<Long>option("--shutdown-grace-s");
            Duration stop = duration(s.path("stop_grace_period").asText());
            assertThat(stop.toSeconds()).as(name + ": stop_grace_period > --shutdown-grace-s + " + BEYOND_GRACE_S + " s")
                    .isGreaterThan(grace + BEYOND_GRACE_S);
        });
        assertThat(servers).contains("peregrine", "peregrine-gpu");
    }

    @Test
    void theGpuChainExportsBuildsAndServesTheSameFilesOnTheGpu() {
        CliLine onnx = commands.get("onnx-export");
        CliLine engine = commands.get("engine-build");
        CliLine serve = commands.get("peregrine-gpu");
        assertThat(onnx.subcommand()).isEqualTo("export");
        assertThat(onnx.<String>option("--format")).isEqualTo("onnx");
        assertThat(engine.<String>option("--format")).isEqualTo("engine");
        assertThat(engine.positionals()).containsExactly(String.valueOf((Object) onnx.option("--output")));
        assertThat(serve.<List<String>>option("--model"))
                .containsExactly("shapes=" + engine.option("--output"));
        assertThat(serve.<String>option("--device")).isEqualTo("cuda:0");
        assertThat(serve.<Integer>option("--max-batch")).isEqualTo(engine.<Integer>option("--batch"));
        assertThat(services.get("engine-build").path("depends_on").path("onnx-export").path("condition").asText())
                .isEqualTo("service_completed_successfully");
        assertThat(services.get("peregrine-gpu").path("depends_on").path("engine-build").path("condition").asText())
                .isEqualTo("service_completed_successfully");
        for (String gpu : List.of("engine-build", "peregrine-gpu")) {
            JsonNode device = services.get(gpu).path("deploy").path("resources").path("reservations")
                    .path("devices").path(0);
            assertThat(device.path("driver").asText()).isEqualTo("nvidia");
            assertThat(DeploymentFiles.strings(device.path("capabilities"))).contains("gpu");
            assertThat(DeploymentFiles.strings(services.get(gpu).path("profiles"))).containsExactly("gpu");
        }
    }

    @Test
    void namedVolumesAreDeclaredAndTheModelsVolumeHoldsTheDefaultModelPath() {
        Set<String> declared = new TreeSet<>();
        compose.path("volumes").fieldNames().forEachRemaining(declared::add);
        services.forEach((name, s) -> {
            for (String v : DeploymentFiles.strings(s.path("volumes"))) {
                String source = v.substring(0, v.indexOf(':'));
                if (source.startsWith(".") || source.startsWith("/")) {
                    assertThat(DeploymentFiles.docker().resolve(source)).as(name + " bind mount " + v).exists();
                } else {
                    assertThat(declared).as(name + " volume " + v).contains(source);
                }
            }
        });
        String model = commands.get("peregrine").<List<String>>option("--model").get(0);
        assertThat(model).isEqualTo("shapes=/models/shapes-yolov8n.pt");
        assertThat(DeploymentFiles.strings(services.get("peregrine").path("volumes"))).contains("models:/models");
    }

    @Test
    void prometheusScrapesComposeServicesOnTheirServerPort() throws IOException {
        JsonNode prometheus = DeploymentFiles.yaml(DeploymentFiles.docker().resolve("prometheus.yml"));
        int targets = 0;
        for (JsonNode job : prometheus.path("scrape_configs")) {
            for (JsonNode sc : job.path("static_configs")) {
                for (String target : DeploymentFiles.strings(sc.path("targets"))) {
                    targets++;
                    String host = target.substring(0, target.indexOf(':'));
                    int port = Integer.parseInt(target.substring(target.indexOf(':') + 1));
                    assertThat(commands).as("prometheus target " + target + " is a Peregrine compose service")
                            .containsKey(host);
                    assertThat(commands.get(host).<Integer>option("--port")).isEqualTo(port);
                }
            }
        }
        assertThat(targets).isEqualTo(2);
        assertThat(DeploymentFiles.strings(services.get("prometheus").path("volumes")))
                .contains("./prometheus.yml:/etc/prometheus/prometheus.yml:ro");
    }

    /** A compose duration such as {@code 30s}, {@code 1m30s}, {@code 2m}. */
    static Duration duration(String text) {
        Matcher m = Pattern.compile("(\\d+)(ms|h|m|s)").matcher(text.toLowerCase(Locale.ROOT));
        Duration d = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                throw new AssertionError("not a compose duration: " + text);
            }
            end = m.end();
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
        }
        if (end != text.length() || end == 0) {
            throw new AssertionError("not a compose duration: " + text);
        }
        return d;
    }
}
