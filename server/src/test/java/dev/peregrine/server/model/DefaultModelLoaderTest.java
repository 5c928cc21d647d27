package dev.peregrine.server.model;

import dev.peregrine.engines.Device;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.trt.TrtNatives;
import dev.peregrine.server.batch.BatchPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class DefaultModelLoaderTest {
    @TempDir
    Path tmp;

    private final List<EngineConfig> opened = new ArrayList<>();
    private final List<String> exports = new ArrayList<>();

    private final DetectorOpener opener = config -> {
        opened.add(config);
        return new FakeDetector(config.maxBatch(), new ArrayList<>());
    };

    /** Writes "onnx from <pt content>" so tests can tell which checkpoint an export came from. */
    private PtExporter exporter(String key) {
        return new PtExporter() {
            @Override
            public void export(Path pt, Path onnxOut, int maxBatch) throws PeregrineException {
                exports.add(pt.getFileName() + "@" + maxBatch);
                try {
                    Files.writeString(onnxOut, "onnx from " + Files.readString(pt));
                } catch (IOException e) {
                    throw new PeregrineException(ErrorCode.ENGINE_FAILURE, e.toString());
                }
            }

            @Override
            public String cacheKey() {
                return key;
            }
        };
    }

    private ModelSpec spec(Path file, int maxBatch) {
        return new ModelSpec("m", file, Device.CPU, BatchPolicy.defaults(maxBatch), 1);
    }

    @Test
    void onnxOpensDirectlyWithDeviceAndBatchCap() throws Exception {
        Path onnx = Files.writeString(tmp.resolve("model.onnx"), "x");
        DefaultModelLoader loader = new DefaultModelLoader(opener, exporter("k"), new ExportCache(tmp.resolve("cache")));
        loader.load(spec(onnx, 8)).close();
        assertThat(opened).containsExactly(new EngineConfig(onnx, Device.CPU, 8, null));
        assertThat(exports).isEmpty();
    }

    @Test
    void ptIsExportedOnceAndThenServedFromTheCache() throws Exception {
        Path pt = Files.writeString(tmp.resolve("best.pt"), "weights v1");
        Path cacheDir = tmp.resolve("cache");
        DefaultModelLoader loader = new DefaultModelLoader(opener, exporter("k1"), new ExportCache(cacheDir));
        loader.load(spec(pt, 4));
        loader.load(spec(pt, 4));
        assertThat(exports).containsExactly("best.pt@4");
        assertThat(opened).hasSize(2);
        Path cached = opened.get(0).model();
        assertThat(cached.getParent()).isEqualTo(cacheDir);
        assertThat(cached.getFileName().toString()).matches("best-[0-9a-f]{16}\\.onnx");
        assertThat(Files.readString(cached)).isEqualTo("onnx from weights v1");
        assertThat(opened.get(1).model()).isEqualTo(cached);

        // A retrained checkpoint under the same name, other export settings, or another batch cap: new entries.
        Files.writeString(pt, "weights v2");
        loader.load(spec(pt, 4));
        new DefaultModelLoader(opener, exporter("k2"), new ExportCache(cacheDir)).load(spec(pt, 4));
        loader.load(spec(pt, 2));
        assertThat(exports).containsExactly("best.pt@4", "best.pt@4", "best.pt@4", "best.pt@2");
        assertThat(Files.readString(opened.get(2).model())).isEqualTo("onnx from weights v2");
        try (Stream<Path> files = Files.list(cacheDir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .hasSize(4).allMatch(n -> n.endsWith(".onnx"));
        }
    }

    @Test
    void theLoaderSaysWhichFileEachModelRuns() throws Exception {
        Path onnx = Files.writeString(tmp.resolve("model.onnx"), "x");
        Path pt = Files.writeString(tmp.resolve("best.pt"), "weights");
        Path engine = Files.writeString(tmp.resolve("best.engine"), "x");
        DefaultModelLoader loader = new DefaultModelLoader(opener, exporter("k"), new ExportCache(tmp.resolve("cache")));
        ModelSpec a = new ModelSpec("a", onnx, Device.CPU, BatchPolicy.defaults(2), 1);
        ModelSpec b = new ModelSpec("b", pt, Device.CPU, BatchPolicy.defaults(2), 1);
        ModelSpec c = new ModelSpec("c", engine, CUDA1, BatchPolicy.defaults(2), 1);
        assertThat(loader.artifact(a)).isEmpty(); // nothing loaded yet
        loader.load(a).close();
        loader.load(b).close();
        loader.load(c).close();
        assertThat(loader.artifact(a)).contains(ModelArtifact.asIs(onnx));
        assertThat(loader.artifact(c)).contains(ModelArtifact.asIs(engine));
        ModelArtifact exported = loader.artifact(b).orElseThrow();
        assertThat(exported.derivation()).isEqualTo(ModelArtifact.Derivation.EXPORTED);
        assertThat(exported.source()).isEqualTo(pt);
        assertThat(exported.file()).isEqualTo(opened.get(1).model()).hasParent(tmp.resolve("cache"));
        assertThat(exported.describe()).isEqualTo("best.pt: exported to ONNX by the Java exporter (" + exported.file() + ")");
        // a failed load leaves the last good answer for that model alone
        Files.delete(pt);
        assertThatThrownBy(() -> loader.load(b)).isInstanceOf(PeregrineException.class);
        assertThat(loader.artifact(b)).contains(exported);
    }

    @Test
    void anArtifactRunningAsIsIsItsSourceAndADerivedOneIsNot() {
        Path a = tmp.resolve("a.onnx");
        Path b = tmp.resolve("b.onnx");
        assertThatThrownBy(() -> new ModelArtifact(a, b, ModelArtifact.Derivation.AS_IS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ModelArtifact(a, a, ModelArtifact.Derivation.EXPORTED))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ModelArtifact.asIs(a).derived()).isFalse();
        assertThat(ModelArtifact.asIs(a).describe()).isEqualTo("a.onnx: the file as given");
        assertThat(ModelArtifact.Derivation.UINT8_ACTIVATIONS.jsonName()).isEqualTo("uint8_activations");
    }

    @Test
    void failedExportLeavesNothingInTheCache() throws Exception {
        Path pt = Files.writeString(tmp.resolve("bad.pt"), "not a checkpoint");
        Path cacheDir = tmp.resolve("cache");
        PtExporter failing = new PtExporter() {
            @Override
            public void export(Path p, Path out, int maxBatch) throws PeregrineException {
                throw PeregrineException.unsupported("unknown module Foo in bad.pt");
            }

            @Override
            public String cacheKey() {
                return "f";
            }
        };
        DefaultModelLoader loader = new DefaultModelLoader(opener, failing, new ExportCache(cacheDir));
        assertThatThrownBy(() -> loader.load(spec(pt, 1))).hasMessageContaining("unknown module Foo");
        try (Stream<Path> files = Files.list(cacheDir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void missingAndUnknownFilesAreReported() throws Exception {
        DefaultModelLoader loader = new DefaultModelLoader(opener, exporter("k"), new ExportCache(tmp));
        assertThatThrownBy(() -> loader.load(spec(tmp.resolve("nope.onnx"), 1)))
                .isInstanceOfSatisfying(PeregrineException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
                .hasMessageContaining("nope.onnx");
        Path txt = Files.writeString(tmp.resolve("model.txt"), "x");
        assertThatThrownBy(() -> loader.load(spec(txt, 1)))
                .isInstanceOfSatisfying(PeregrineException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED))
                .hasMessageContaining("model.txt");
    }

    private static final Device CUDA1 = new Device(Device.Kind.CUDA, 1);

    private ModelSpec spec(Path file, Device device, int maxBatch) {
        return new ModelSpec("m", file, device, BatchPolicy.defaults(maxBatch), 1);
    }

    @Test
    void engineOpensDirectlyOnTheSpecsCudaDevice() throws Exception {
        Path engine = Files.writeString(tmp.resolve("yolov8n.engine"), "x");
        Path upper = Files.writeString(tmp.resolve("YOLOV8N.ENGINE"), "x");
        DefaultModelLoader loader = new DefaultModelLoader(opener, exporter("k"), new ExportCache(tmp.resolve("cache")));
        loader.load(spec(engine, CUDA1, 4)).close();
        loader.load(spec(upper, CUDA1, 2)).close();
        assertThat(opened).containsExactly(new EngineConfig(engine, CUDA1, 4, null), new EngineConfig(upper, CUDA1, 2, null));
        assertThat(exports).isEmpty();
        assertThat(tmp.resolve("cache")).doesNotExist();
    }

    @Test
    void engineOnTheCpuIsBadInputBeforeAnythingOpens() throws Exception {
        Path engine = Files.writeString(tmp.resolve("yolov8n.engine"), "x");
        DefaultModelLoader loader = new DefaultModelLoader(opener, exporter("k"), new ExportCache(tmp));
        assertThatThrownBy(() -> loader.load(spec(engine, Device.CPU, 1)))
                .isInstanceOfSatisfying(PeregrineException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT))
                .hasMessage("cannot serve yolov8n.engine on cpu: TensorRT engines need --device cuda:N"
                        + " (or serve the .onnx model it was built from on the CPU)");
        assertThat(opened).isEmpty();
    }

    @Test
    void onnxAndPtKeepTheSpecsDevice() throws Exception {
        Path onnx = Files.writeString(tmp.resolve("model.onnx"), "x");
        Path pt = Files.writeString(tmp.resolve("best.pt"), "weights");
        DefaultModelLoader loader = new DefaultModelLoader(opener, exporter("k"), new ExportCache(tmp.resolve("cache")));
        loader.load(spec(onnx, CUDA1, 2)).close();
        loader.load(spec(pt, CUDA1, 2)).close();
        assertThat(opened).extracting(EngineConfig::device).containsExactly(CUDA1, CUDA1);
        assertThat(opened.get(1).model().getFileName().toString()).endsWith(".onnx");
        assertThat(exports).containsExactly("best.pt@2");
    }

    /** What the engine provider reports reaches the registry unchanged: code, message and suggestion. */
    @Test
    void openerFailureIsPassedOnUnchanged() throws Exception {
        Path engine = Files.writeString(tmp.resolve("yolov8n.engine"), "x");
        PeregrineException unavailable = new PeregrineException(ErrorCode.UNAVAILABLE,
                "TensorRT is not available: no usable CUDA device. Run the .onnx model on the CPU instead (--device cpu).");
        DefaultModelLoader loader = new DefaultModelLoader(c -> {
            throw unavailable;
        }, exporter("k"), new ExportCache(tmp));
        assertThatThrownBy(() -> loader.load(spec(engine, CUDA1, 1))).isSameAs(unavailable);
    }

    /**
     * The real opener on a well-formed engine file: the server's test class path has no TensorRT bindings (they are
     * optional in engines and only -Pgpu adds them), so the engines' tensorrt provider reports UNAVAILABLE, and the
     * model goes FAILED with that message and its suggestion.
     */
    @Test
    void engineWithoutTensorRtFailsTheModelWithTheProvidersMessage() throws Exception {
        assumeFalse(TrtNatives.availability().isAvailable(), "TensorRT is available here");
        Path engine = ServedEngineFiles.write(tmp.resolve("yolov8n.engine"));
        DefaultModelLoader loader = new DefaultModelLoader(DefaultParts.OPENER, exporter("k"), new ExportCache(tmp));
        ModelSpec spec = new ModelSpec("trt", engine, new Device(Device.Kind.CUDA, 0), BatchPolicy.defaults(2), 1);
        assertThatThrownBy(() -> loader.load(spec))
                .isInstanceOfSatisfying(PeregrineException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageStartingWith("TensorRT is not available: ")
                .hasMessageEndingWith("Run the .onnx model on the CPU instead (--device cpu).");

        try (ModelRegistry registry = ModelRegistry.load(List.of(spec), loader)) {
            registry.loaded().get(30, TimeUnit.SECONDS);
            ServedModel m = registry.get("trt").orElseThrow();
            assertThat(m.state()).isEqualTo(ServedModel.State.FAILED);
            assertThat(m.failure()).hasValueSatisfying(msg -> assertThat(msg)
                    .startsWith("TensorRT is not available: ")
                    .isEqualTo(TrtNatives.availability().message()));
        }
    }

    @Test
    void cacheDirectoryDefaultsAreConfigurable() {
        String old = System.getProperty("peregrine.cache");
        try {
            System.setProperty("peregrine.cache", tmp.toString());
            assertThat(ExportCache.defaultDir()).isEqualTo(tmp);
        } finally {
            if (old == null) {
                System.clearProperty("peregrine.cache");
            } else {
                System.setProperty("peregrine.cache", old);
            }
        }
    }
}
