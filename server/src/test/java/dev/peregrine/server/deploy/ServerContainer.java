package dev.peregrine.server.deploy;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checks every Kubernetes container running {@code peregrine serve} must pass, whoever declares it (a Deployment
 * or a KServe ServingRuntime): its port, probes, resources and shutdown timing agree with its command line.
 */
final class ServerContainer {
    private ServerContainer() {
    }

    /**
     * @param where                 name for messages
     * @param container             the container spec
     * @param serve                 its parsed arguments
     * @param terminationGraceS     the pod's terminationGracePeriodSeconds (-1 when unset)
     */
    static void check(String where, JsonNode container, CliLine serve, long terminationGraceS) {
        int port = serve.<Integer>option("--port");
        assertThat(serve.<String>option("--host")).as(where + " --host").isEqualTo("0.0.0.0");
        JsonNode ports = container.path("ports");
        // The first port is what the platform routes to: the HTTP port, or the gRPC one where gRPC is served.
        int routed = serve.has("--grpc-port") ? serve.<Integer>option("--grpc-port") : port;
        assertThat(ports.path(0).path("containerPort").asInt()).as(where + " first containerPort").isEqualTo(routed);

        JsonNode readiness = container.path("readinessProbe").path("httpGet");
        JsonNode liveness = container.path("livenessProbe").path("httpGet");
        assertThat(readiness.path("path").asText()).as(where + " readiness").endsWith("/health/ready");
        assertThat(liveness.path("path").asText()).as(where + " liveness").endsWith("/health/live");
        for (JsonNode probe : List.of(readiness, liveness, container.path("startupProbe").path("httpGet"))) {
            if (!probe.isMissingNode()) {
                assertThat(resolvePort(probe.path("port"), ports)).as(where + " probe port").isEqualTo(port);
            }
        }

        JsonNode resources = container.path("resources");
        assertThat(resources.path("requests").has("cpu")).as(where + " requests cpu").isTrue();
        assertThat(resources.path("requests").has("memory")).as(where + " requests memory").isTrue();
        assertThat(resources.path("limits").has("memory")).as(where + " limits memory").isTrue();

        // preStop keeps serving while the endpoint leaves the load balancers; then SIGTERM starts the drain.
        List<String> preStop = DeploymentFiles.strings(container.path("lifecycle").path("preStop").path("exec")
                .path("command"));
        assertThat(preStop).as(where + " preStop").hasSize(2).first().isEqualTo("sleep");
        long preStopS = Long.parseLong(preStop.get(1));
        long grace = serve.<Long>option("--shutdown-grace-s");
        assertThat(terminationGraceS).as(where + ": terminationGracePeriodSeconds > preStop " + preStopS
                + " s + --shutdown-grace-s " + grace + " s + " + ComposeTest.BEYOND_GRACE_S + " s")
                .isGreaterThan(preStopS + grace + ComposeTest.BEYOND_GRACE_S);
    }

    private static int resolvePort(JsonNode port, JsonNode ports) {
        if (port.isInt()) {
            return port.asInt();
        }
        for (JsonNode p : ports) {
            if (p.path("name").asText().equals(port.asText())) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("probe port " + port + " names no container port");
    }
}
