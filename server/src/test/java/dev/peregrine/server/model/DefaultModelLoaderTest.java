package dev.peregrine.server.model;

import dev.peregrine.engines.Device;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.server.batch.BatchPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
