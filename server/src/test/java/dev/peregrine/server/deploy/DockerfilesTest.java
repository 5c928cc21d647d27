package dev.peregrine.server.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dockerfiles under {@code docker/} against the repository and the build: what they copy exists (or is what the
 * Maven command in the build stage produces), passes their {@code .dockerignore}, the JVM is started in exec form as
 * PID 1 with SIGTERM as stop signal, and the default command parses with the real {@code peregrine} command line.
 * Nothing here needs Docker: no image is built.
 */
class DockerfilesTest {
    private static final Path ROOT = DeploymentFiles.root();

    private static Dockerfile read(String name) throws IOException {
        return Dockerfile.read(DeploymentFiles.docker().resolve(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.cpu", "Dockerfile.cuda", "Dockerfile.jetson"})
    void everyFileCopiedFromTheContextExistsAndIsNotIgnored(String name) throws IOException {
        Dockerfile d = read(name);
        DockerIgnore ignore = DockerIgnore.read(DeploymentFiles.docker().resolve(name + ".dockerignore"));
        List<Dockerfile.Copy> fromContext = d.copies().stream().filter(c -> c.from().isEmpty()).toList();
        assertThat(fromContext).as(name + " copies from the build context").isNotEmpty();
        for (Dockerfile.Copy c : fromContext) {
            for (String source : c.sources()) {
                Path p = ROOT.resolve(source);
                assertThat(p).as(name + " line " + c.line() + ": COPY " + source).exists();
                for (String file : filesUnder(p)) {
                    assertThat(ignore.includes(file))
                            .as(name + " line " + c.line() + ": " + file + " is excluded by " + name + ".dockerignore")
                            .isTrue();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.cpu", "Dockerfile.cuda", "Dockerfile.jetson"})
    void buildStageCopiesEveryModuleTheMavenCommandBuildsAndTheRuntimeCopiesItsOutputs(String name) throws Exception {
        Dockerfile d = read(name);
        MavenBuild maven = new MavenBuild(ROOT);
        int build = stageIndex(d, "build");
        String workdir = lastInStage(d, "WORKDIR", build).orElseThrow().args();
        MavenCommand mvn = MavenCommand.in(d, build);

        assertThat(mvn.goals()).as(name + ": mvn goals").contains("package");
        assertThat(mvn.has("-DskipTests")).as(name + ": -DskipTests").isTrue();
        assertThat(mvn.has("-am")).as(name + ": -am").isTrue();
        assertThat(maven.profileIds()).as(name + ": profiles of " + mvn).containsAll(mvn.profiles());
        String module = mvn.projects();
        assertThat(maven.modules()).contains(module);

        // The reactor reads every module's pom (even with -pl); it compiles the -am closure, main and test sources.
        List<String> copied = d.copies().stream().filter(c -> c.stage() == build && c.from().isEmpty())
                .flatMap(c -> c.sources().stream()).map(DockerfilesTest::trimSlash).toList();
        assertThat(copied).contains("pom.xml", ".mvn");
        for (String m : maven.modules()) {
            assertThat(copied).as(name + " copies " + m + "/pom.xml").contains(m + "/pom.xml");
        }
        for (String m : maven.alsoMake(module)) {
            assertThat(copied).as(name + " copies " + m + "/src (built by -pl " + module + " -am)").contains(m + "/src");
        }

        // What the runtime stage takes from the build stage is exactly the jar and the dependency folder.
        Set<String> outputs = Set.of(workdir + "/" + module + "/target/" + maven.jarFileName(module),
                workdir + "/" + module + "/" + maven.dependencyDirectory(module));
        List<Dockerfile.Copy> fromBuild = d.copies().stream().filter(c -> c.from().equals(Optional.of("build")))
                .toList();
        assertThat(fromBuild.stream().flatMap(c -> c.sources().stream()).map(DockerfilesTest::trimSlash).toList())
                .as(name + ": COPY --from=build sources").containsExactlyInAnyOrderElementsOf(outputs);
        for (Dockerfile.Copy c : d.copies()) {
            c.from().ifPresent(stage -> assertThat(d.stages().stream().flatMap(s -> s.name().stream()).toList())
                    .as(name + " line " + c.line() + ": COPY --from=" + stage + " names a stage of this file")
                    .contains(stage));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.cpu", "Dockerfile.cuda", "Dockerfile.jetson"})
    void theJvmRunsTheCopiedJarAsPid1AsAnUnprivilegedUserAndStopsOnSigterm(String name) throws IOException {
        Dockerfile d = read(name);
        int last = d.finalStage();
        List<String> entrypoint = lastInStage(d, "ENTRYPOINT", last).orElseThrow().execForm();
        assertThat(entrypoint.get(0)).as(name + ": ENTRYPOINT runs java itself (exec form, no shell)").isEqualTo("java");
        int jar = entrypoint.indexOf("-jar");
        assertThat(jar).as(name + ": ENTRYPOINT uses -jar").isPositive();
        assertThat(entrypoint).as(name + ": the jar is the ENTRYPOINT's last word").hasSize(jar + 2);
        String jarPath = entrypoint.get(jar + 1);
        assertThat(d.copies().stream().filter(c -> c.stage() == last).map(Dockerfile.Copy::dest))
                .as(name + ": the ENTRYPOINT's jar is copied into the image").contains(jarPath);
        for (String option : entrypoint.subList(1, jar)) {
            assertThat(option).as(name + ": JVM option").matches("-(XX:[+-]?\\w+(=\\S+)?|D[\\w.]+=\\S+|Xm[sx]\\d+[kmg]?)");
        }

        assertThat(lastInStage(d, "STOPSIGNAL", last).map(Dockerfile.Instruction::args)).hasValue("SIGTERM");
        Optional<Dockerfile.Instruction> user = lastInStage(d, "USER", last);
        assertThat(user).as(name + ": USER").isPresent();
        assertThat(user.get().args()).isNotIn("root", "0", "0:0");
        assertThat(user.get().line()).as(name + ": USER comes before ENTRYPOINT")
                .isLessThan(lastInStage(d, "ENTRYPOINT", last).get().line());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.cpu", "Dockerfile.cuda", "Dockerfile.jetson"})
    void defaultCommandParsesAndItsPortAndModelMatchTheImage(String name) throws IOException {
        Dockerfile d = read(name);
        int last = d.finalStage();
        CliLine cmd = CliLine.parse(name + " CMD", lastInStage(d, "CMD", last).orElseThrow().execForm());
        assertThat(cmd.subcommand()).isEqualTo("serve");
        assertThat(cmd.<String>option("--host")).as(name + ": listens on all interfaces").isEqualTo("0.0.0.0");
        int port = cmd.<Integer>option("--port");
        assertThat(lastInStage(d, "EXPOSE", last).orElseThrow().args()).isEqualTo(Integer.toString(port));

        String healthcheck = lastInStage(d, "HEALTHCHECK", last).orElseThrow().args();
        assertThat(healthcheck).as(name + ": HEALTHCHECK asks the server's readiness on its port")
                .contains("http://127.0.0.1:" + port + "/health/ready");

        List<String> files = d.copies().stream().filter(c -> c.stage() == last).map(Dockerfile.Copy::dest).toList();
        List<String> models = cmd.option("--model");
        assertThat(models).as(name + ": the default command names its model").isNotEmpty();
        for (String model : models) {
            String path = model.substring(model.indexOf('=') + 1);
            assertThat(files).as(name + ": default model " + path + " is copied into the image").contains(path);
        }
    }

    @Test
    void theThreeDockerignoreFilesAreIdenticalAndKeepBuildOutputsAndFixturesOut() throws IOException {
        Path docker = DeploymentFiles.docker();
        String cpu = Files.readString(docker.resolve("Dockerfile.cpu.dockerignore"));
        assertThat(Files.readString(docker.resolve("Dockerfile.cuda.dockerignore"))).isEqualTo(cpu);
        assertThat(Files.readString(docker.resolve("Dockerfile.jetson.dockerignore"))).isEqualTo(cpu);
        DockerIgnore ignore = DockerIgnore.read(docker.resolve("Dockerfile.cpu.dockerignore"));
        assertThat(ignore.includes("server/src/main/java/dev/peregrine/server/cli/PeregrineCli.java")).isTrue();
        assertThat(ignore.includes("models/shapes-yolov8n.pt")).isTrue();
        assertThat(ignore.includes("server/target/peregrine-server.jar")).isFalse();
        assertThat(ignore.includes("target/arm64/sysroot/usr/bin/java")).isFalse();
        assertThat(ignore.includes("models/cache/shapes-0123456789abcdef.onnx")).isFalse();
        assertThat(ignore.includes(".git/HEAD")).isFalse();
        assertThat(ignore.includes("docs/DEPLOYMENT.md")).isFalse();
    }

    @Test
    void cpuImageChoosesItsNativesByTargetArchitectureForBothArchitectures() throws IOException {
        Dockerfile d = read("Dockerfile.cpu");
        MavenCommand mvn = MavenCommand.in(d, stageIndex(d, "build"));
        assertThat(mvn.toString()).contains("-Djavacpp.platform=\"$platform\"");
        String run = d.all("RUN").stream().filter(r -> r.stage() == stageIndex(d, "build")).findFirst().orElseThrow()
                .args();
        assertThat(run).contains("amd64) platform=linux-x86_64").contains("arm64) platform=linux-arm64");
        assertThat(d.stages().get(d.finalStage()).image()).isEqualTo("eclipse-temurin:17-jre");
        assertThat(d.stages().get(0).image()).isEqualTo("maven:3.9-eclipse-temurin-17");
    }

    @Test
    void gpuImagesUseTheGpuProfileAndOnnxRuntimesCpuJar() throws IOException {
        Dockerfile cuda = read("Dockerfile.cuda");
        MavenCommand cudaMvn = MavenCommand.in(cuda, stageIndex(cuda, "build"));
        assertThat(cudaMvn.profiles()).containsExactly("gpu");
        assertThat(cudaMvn.has("-Donnxruntime.artifact=onnxruntime")).isTrue();
        assertThat(cuda.stages().get(cuda.finalStage()).image()).startsWith("nvidia/cuda:13.");

        Dockerfile jetson = read("Dockerfile.jetson");
        MavenCommand jetsonMvn = MavenCommand.in(jetson, stageIndex(jetson, "build"));
        assertThat(jetsonMvn.profiles()).containsExactlyInAnyOrder("jetson", "gpu");
        assertThat(jetsonMvn.has("-Donnxruntime.artifact=onnxruntime")).isTrue();
        // JetPack 6 has CUDA 12.6: the default presets must bind CUDA 12 (libcudart.so.12), not 13.
        assertThat(jetsonMvn.has("-Dcuda.version=12.6-9.5-1.5.11")).isTrue();
        assertThat(jetson.stages().get(jetson.finalStage()).image()).startsWith("nvcr.io/nvidia/l4t-jetpack:r36.");
    }

    /** The {@code mvn} invocation of a build stage's RUN, ARG defaults expanded. */
    record MavenCommand(List<String> words) {
        static MavenCommand in(Dockerfile d, int stage) {
            for (Dockerfile.Instruction run : d.all("RUN")) {
                int at = run.args().indexOf("mvn ");
                if (run.stage() == stage && at >= 0) {
                    return new MavenCommand(Arrays.asList(d.expand(run.args().substring(at)).split("\\s+")));
                }
            }
            throw new AssertionError(d.file() + ": no RUN mvn in stage " + stage);
        }

        boolean has(String word) {
            return words.contains(word);
        }

        List<String> profiles() {
            List<String> out = new ArrayList<>();
            for (String w : words) {
                if (w.startsWith("-P")) {
                    out.addAll(List.of(w.substring(2).split(",")));
                }
            }
            return out;
        }

        String projects() {
            int i = words.indexOf("-pl");
            if (i < 0) {
                throw new AssertionError("no -pl in " + this);
            }
            return words.get(i + 1);
        }

        List<String> goals() {
            return words.stream().filter(w -> !w.startsWith("-") && !w.equals("mvn")).toList();
        }

        @Override
        public String toString() {
            return String.join(" ", words);
        }
    }

    private static int stageIndex(Dockerfile d, String name) {
        List<Dockerfile.Stage> stages = d.stages();
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).name().equals(Optional.of(name))) {
                return i;
            }
        }
        throw new AssertionError(d.file() + " has no stage " + name);
    }

    private static Optional<Dockerfile.Instruction> lastInStage(Dockerfile d, String keyword, int stage) {
        List<Dockerfile.Instruction> found = d.all(keyword).stream().filter(i -> i.stage() == stage).toList();
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
    }

    /** Files under {@code p} (or {@code p} itself), relative to the root, build outputs left out. */
    private static List<String> filesUnder(Path p) throws IOException {
        if (Files.isRegularFile(p)) {
            return List.of(ROOT.relativize(p).toString().replace('\\', '/'));
        }
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).map(f -> ROOT.relativize(f).toString().replace('\\', '/'))
                    .filter(f -> !f.contains("/target/")).toList();
        }
    }

    private static String trimSlash(String s) {
        String t = s.startsWith("./") ? s.substring(2) : s;
        return t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
    }
}
