package dev.peregrine.server.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.engines.Device;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.server.batch.BatchPolicy;
import dev.peregrine.server.metrics.ServerMetrics;
import dev.peregrine.server.model.ModelSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes and KServe manifests under {@code docker/k8s}: every file parses (several documents per file), every
 * container's arguments parse with the real command line and agree with its ports, probes, resources and shutdown
 * timing, Services and HPAs point at real Deployments, the queue metric is the one the server exports, and the KServe
 * runtimes speak the Open Inference Protocol (v2) with arguments that parse for each InferenceService using them.
 */
class KubernetesManifestsTest {
    private static final Map<String, List<JsonNode>> BY_KIND = new LinkedHashMap<>();

    @BeforeAll
    static void read() throws IOException {
        for (Path f : DeploymentFiles.kubernetesFiles()) {
            for (JsonNode doc : DeploymentFiles.yamlDocuments(f)) {
                BY_KIND.computeIfAbsent(doc.path("kind").asText(), k -> new ArrayList<>()).add(doc);
            }
        }
    }

    private static List<JsonNode> kind(String kind) {
        return BY_KIND.getOrDefault(kind, List.of());
    }

    private static JsonNode named(String kind, String name) {
        return kind(kind).stream().filter(d -> d.path("metadata").path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
    }

    @Test
    void everyDocumentIsAKubernetesObjectAndTheKustomizationListsExistingFiles() throws IOException {
        List<Path> files = DeploymentFiles.kubernetesFiles();
        assertThat(files).extracting(p -> p.getFileName().toString()).contains("deployment.yaml", "service.yaml",
                "hpa.yaml", "deployment-gpu.yaml", "kserve-servingruntime.yaml", "kserve-inferenceservice.yaml",
                "prometheus-adapter-rules.yaml", "kustomization.yaml");
        for (Path f : files) {
            List<JsonNode> docs = DeploymentFiles.yamlDocuments(f);
            assertThat(docs).as(f.getFileName() + " documents").isNotEmpty();
            for (JsonNode doc : docs) {
                assertThat(doc.path("apiVersion").asText()).as(f.getFileName() + " apiVersion").isNotBlank();
                assertThat(doc.path("kind").asText()).as(f.getFileName() + " kind").isNotBlank();
                if (!doc.path("kind").asText().equals("Kustomization")) {
                    assertThat(doc.path("metadata").path("name").asText()).as(f.getFileName() + " name").isNotBlank();
                }
            }
        }
        JsonNode kustomization = kind("Kustomization").get(0);
        for (String r : DeploymentFiles.strings(kustomization.path("resources"))) {
            assertThat(DeploymentFiles.docker().resolve("k8s").resolve(r)).isRegularFile();
        }
        assertThat(kind("Deployment")).hasSize(2);
        assertThat(kind("ServingRuntime")).hasSize(3);
        assertThat(kind("InferenceService")).hasSize(3);
    }

    @Test
    void deploymentContainersParseAndAgreeWithTheirPortsProbesResourcesAndShutdown() {
        for (JsonNode deployment : kind("Deployment")) {
            String name = deployment.path("metadata").path("name").asText();
            JsonNode pod = deployment.path("spec").path("template").path("spec");
            assertThat(deployment.path("spec").path("selector").path("matchLabels").fields())
                    .as(name + ": the selector matches the pod labels")
                    .toIterable().allSatisfy(e -> assertThat(deployment.path("spec").path("template")
                            .path("metadata").path("labels").path(e.getKey()).asText())
                            .isEqualTo(e.getValue().asText()));
            JsonNode container = pod.path("containers").path(0);
            CliLine serve = CliLine.parse(name, DeploymentFiles.strings(container.path("args")));
            assertThat(serve.subcommand()).isEqualTo("serve");
            ServerContainer.check(name, container, serve, pod.path("terminationGracePeriodSeconds").asLong(-1));
            for (JsonNode init : pod.path("initContainers")) {
                assertThat(CliLine.parse(name + " init " + init.path("name").asText(),
                        DeploymentFiles.strings(init.path("args"))).subcommand()).isEqualTo("export");
            }
        }
    }

    @Test
    void theGpuDeploymentBuildsItsEngineOnItsOwnGpuThenServesIt() {
        JsonNode pod = named("Deployment", "peregrine-gpu").path("spec").path("template").path("spec");
        JsonNode onnxInit = pod.path("initContainers").path(0);
        JsonNode engineInit = pod.path("initContainers").path(1);
        JsonNode server = pod.path("containers").path(0);
        CliLine onnx = CliLine.parse("onnx-export", DeploymentFiles.strings(onnxInit.path("args")));
        CliLine engine = CliLine.parse("engine-build", DeploymentFiles.strings(engineInit.path("args")));
        CliLine serve = CliLine.parse("peregrine-gpu", DeploymentFiles.strings(server.path("args")));

        assertThat(engine.<String>option("--format")).isEqualTo("engine");
        assertThat(engine.positionals()).containsExactly(String.valueOf((Object) onnx.option("--output")));
        assertThat(serve.<List<String>>option("--model")).containsExactly("shapes=" + engine.option("--output"));
        assertThat(serve.<String>option("--device")).isEqualTo("cuda:0");
        assertThat(serve.<Integer>option("--max-batch")).isEqualTo(engine.<Integer>option("--batch"));
        // The engine is built on the GPU the pod gets, since init containers share the pod's devices.
        assertThat(engineInit.path("resources").path("limits").path("nvidia.com/gpu").asInt()).isEqualTo(1);
        assertThat(server.path("resources").path("limits").path("nvidia.com/gpu").asInt()).isEqualTo(1);
        for (JsonNode c : List.of(onnxInit, engineInit, server)) {
            assertThat(c.path("image").asText()).isEqualTo("peregrine:cuda");
        }
        assertThat(pod.path("volumes").findValuesAsText("name")).contains("engines");
    }

    @Test
    void servicesTargetANamedPortOfTheDeploymentTheySelect() {
        assertThat(kind("Service")).hasSize(2);
        for (JsonNode service : kind("Service")) {
            JsonNode selector = service.path("spec").path("selector");
            JsonNode deployment = kind("Deployment").stream().filter(d -> matches(selector,
                    d.path("spec").path("template").path("metadata").path("labels"))).findFirst()
                    .orElseThrow(() -> new AssertionError(service.path("metadata").path("name") + " selects nothing"));
            List<String> portNames = deployment.path("spec").path("template").path("spec").path("containers").path(0)
                    .path("ports").findValuesAsText("name");
            for (JsonNode port : service.path("spec").path("ports")) {
                assertThat(portNames).contains(port.path("targetPort").asText());
            }
        }
    }

    @Test
    void hpasScaleRealDeploymentsOnTheQueueGaugeTheServerExports() {
        // The metric name as /metrics really writes it: register a model's queue gauges and scrape.
        ServerMetrics metrics = new ServerMetrics();
        metrics.registerQueueGauges("shapes", () -> 3, () -> 1024);
        String scrape = metrics.scrape();

        assertThat(kind("HorizontalPodAutoscaler")).hasSize(2);
        for (JsonNode hpa : kind("HorizontalPodAutoscaler")) {
            String target = hpa.path("spec").path("scaleTargetRef").path("name").asText();
            named("Deployment", target);
            List<String> podMetrics = new ArrayList<>();
            for (JsonNode m : hpa.path("spec").path("metrics")) {
                if (m.path("type").asText().equals("Pods")) {
                    podMetrics.add(m.path("pods").path("metric").path("name").asText());
                }
            }
            assertThat(podMetrics).as(hpa.path("metadata").path("name") + " scales on the queue").hasSize(1);
            String metric = podMetrics.get(0);
            assertThat(scrape).as("/metrics exports " + metric).contains(metric + "{model=\"shapes\"} 3.0");
        }
        String adapter = named("ConfigMap", "peregrine-adapter-rules").path("data").path("config.yaml").asText();
        assertThat(adapter).contains("seriesQuery: 'peregrine_queue_items{namespace!=\"\",pod!=\"\"}'")
                .contains("as: \"peregrine_queue_items\"");
        JsonNode cpuHpa = named("HorizontalPodAutoscaler", "peregrine");
        assertThat(cpuHpa.path("spec").path("metrics").findValuesAsText("type")).contains("Resource", "Pods");
    }

    @Test
    void kserveRuntimesSpeakV2AndTheirArgumentsParseForEveryInferenceServiceUsingThem() throws PeregrineException {
        for (JsonNode runtime : kind("ServingRuntime")) {
            assertThat(runtime.path("apiVersion").asText()).isEqualTo("serving.kserve.io/v1alpha1");
            assertThat(DeploymentFiles.strings(runtime.path("spec").path("protocolVersions"))).singleElement()
                    .isIn("v2", "grpc-v2");
            JsonNode container = runtime.path("spec").path("containers").path(0);
            assertThat(container.path("name").asText()).isEqualTo("kserve-container");
        }
        for (JsonNode isvc : kind("InferenceService")) {
            String isvcName = isvc.path("metadata").path("name").asText();
            assertThat(isvc.path("apiVersion").asText()).isEqualTo("serving.kserve.io/v1beta1");
            JsonNode predictor = isvc.path("spec").path("predictor");
            JsonNode model = predictor.path("model");
            JsonNode runtime = named("ServingRuntime", model.path("runtime").asText());
            assertThat(runtime.path("spec").path("supportedModelFormats").findValuesAsText("name"))
                    .contains(model.path("modelFormat").path("name").asText());
            assertThat(DeploymentFiles.strings(runtime.path("spec").path("protocolVersions")))
                    .contains(model.path("protocolVersion").asText());
            assertThat(model.path("storageUri").asText()).isNotBlank();

            // KServe fills {{.Name}} with the InferenceService's name before the container starts.
            JsonNode container = runtime.path("spec").path("containers").path(0);
            List<String> args = DeploymentFiles.strings(container.path("args")).stream()
                    .map(a -> a.replace("{{.Name}}", isvcName)).toList();
            CliLine serve = CliLine.parse(isvcName + " on " + model.path("runtime").asText(), args);
            assertThat(serve.subcommand()).isEqualTo("serve");
            for (String m : serve.<List<String>>option("--model")) {
                String served = m.substring(0, m.indexOf('='));
                assertThat(served).as("/v2/models/{name} is the InferenceService's name").isEqualTo(isvcName);
                ModelSpec.of(served, Path.of(m.substring(m.indexOf('=') + 1)), Device.parse("cpu"),
                        BatchPolicy.defaults(8), 1);
                assertThat(m.substring(m.indexOf('=') + 1)).startsWith("/mnt/models/");
            }
            ServerContainer.check(isvcName, container, serve, predictor.path("terminationGracePeriodSeconds").asLong(-1));
            // gRPC v2: KServe routes to the first port, named h2c, which must be the one --grpc-port serves
            boolean grpc = model.path("protocolVersion").asText().equals("grpc-v2");
            assertThat(serve.has("--grpc-port")).as(isvcName + " --grpc-port").isEqualTo(grpc);
            if (grpc) {
                assertThat(container.path("ports").path(0).path("name").asText()).isEqualTo("h2c");
            }
            boolean gpu = serve.<String>option("--device").startsWith("cuda");
            assertThat(container.path("resources").path("limits").has("nvidia.com/gpu")).isEqualTo(gpu);
            assertThat(model.path("resources").path("limits").has("nvidia.com/gpu")).isEqualTo(gpu);
            assertThat(container.path("image").asText()).isEqualTo(gpu ? "peregrine:cuda" : "peregrine:cpu");
        }
    }

    private static boolean matches(JsonNode selector, JsonNode labels) {
        var it = selector.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!labels.path(e.getKey()).asText().equals(e.getValue().asText())) {
                return false;
            }
        }
        return selector.size() > 0;
    }
}
