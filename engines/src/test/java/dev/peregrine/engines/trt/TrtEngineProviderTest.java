package dev.peregrine.engines.trt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.peregrine.engines.Device;
import dev.peregrine.engines.Engine;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.EngineOptions;
import dev.peregrine.engines.EngineProvider;
import dev.peregrine.engines.Engines;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrtEngineProviderTest {
    private static final Device CUDA0 = new Device(Device.Kind.CUDA, 0);

    @TempDir
    Path dir;

    private Path engineFile() throws Exception {
        return TestHeaders.write(dir, "yolov8n.engine", TestHeaders.dynamic(TestHeaders.TRT11_L4, -1), 256);
    }

    /** A backend that records what the provider asked for and opens nothing. */
    private static final class FakeBackend implements TrtBackend {
        final BuildTarget here;
        final int devices;
        final AtomicReference<EngineFile> opened = new AtomicReference<>();

        FakeBackend(BuildTarget here, int devices) {
            this.here = here;
            this.devices = devices;
        }

        @Override
        public int deviceCount() {
            return devices;
        }

        @Override
        public BuildTarget target(int device) {
            return here;
        }

        @Override
        public Engine open(EngineFile file, EngineConfig config, TrtOptions options) {
            opened.set(file);
            return null;
        }
    }

    @Test
    void isRegisteredWithServiceLoader() {
        assertThat(Engines.providers()).anySatisfy(p -> assertThat(p).isInstanceOf(TrtEngineProvider.class));
    }

    @Test
    void acceptsEngineFilesWithTrtOrNoOptions() {
        TrtEngineProvider p = new TrtEngineProvider();
        assertThat(p.name()).isEqualTo("tensorrt");
        assertThat(p.accepts(new EngineConfig(Path.of("m.engine"), CUDA0, 1, null))).isTrue();
        assertThat(p.accepts(new EngineConfig(Path.of("M.ENGINE"), CUDA0, 1, TrtOptions.defaults()))).isTrue();
        assertThat(p.accepts(new EngineConfig(Path.of("m.onnx"), CUDA0, 1, null))).isFalse();
        assertThat(p.accepts(new EngineConfig(Path.of("m.engine"), CUDA0, 1, new EngineOptions() { }))).isFalse();
    }

    /** The real probe on this machine: the bindings are on the test class path, the natives are not. */
    @Test
    void createWithoutTensorRtNativesIsUnavailableWithOneClearMessage() throws Exception {
        assumeFalse(TrtNatives.availability().isAvailable(), "TensorRT is available here; this test is for machines without it");
        Path file = engineFile();
        assertThatThrownBy(() -> new TrtEngineProvider().create(new EngineConfig(file, CUDA0, 1, null)))
                .isInstanceOf(PeregrineException.class)
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageStartingWith("TensorRT is not available: ")
                .hasMessageContaining("native libraries could not be loaded")
                .hasMessageContaining("UnsatisfiedLinkError")
                .hasMessageEndingWith("Run the .onnx model on the CPU instead (--device cpu).");
        // Through the public entry point too.
        assertThatThrownBy(() -> Engines.open(new EngineConfig(file, CUDA0, 1, null)))
                .isInstanceOf(PeregrineException.class)
                .hasMessageContaining("native libraries could not be loaded");
    }

    /** A CPU-only class path: ServiceLoader still loads the provider, and create says the build lacks TensorRT. */
    @Test
    void withoutTheBindingsOnTheClassPathTheProviderStillLoadsAndExplains() throws Exception {
        Path file = engineFile();
        var classes = TrtEngineProvider.class.getProtectionDomain().getCodeSource().getLocation();
        try (HidingClassLoader loader = new HidingClassLoader(classes, getClass().getClassLoader())) {
            EngineProvider p = (EngineProvider) Class.forName(TrtEngineProvider.class.getName(), true, loader)
                    .getConstructor().newInstance();
            assertThat(p.getClass().getClassLoader()).isSameAs(loader);
            assertThat(p.accepts(new EngineConfig(file, CUDA0, 1, null))).isTrue();
            assertThatThrownBy(() -> p.create(new EngineConfig(file, CUDA0, 1, null)))
                    .isInstanceOf(PeregrineException.class)
                    .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE))
                    .hasMessageContaining("this build has no TensorRT support")
                    .hasMessageContaining("build with -Pgpu")
                    .hasMessageContaining("--device cpu");
        }
    }

    @Test
    void cpuDeviceIsRefusedNamingTheOnnxModel() throws Exception {
        Path file = engineFile();
        TrtEngineProvider p = new TrtEngineProvider(() -> {
            throw new AssertionError("must not load natives for a CPU config");
        });
        assertThatThrownBy(() -> p.create(new EngineConfig(file, Device.CPU, 1, null)))
                .isInstanceOf(PeregrineException.class)
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageContaining("yolov8n.engine is a TensorRT engine and runs only on a CUDA device (got --device cpu)")
                .hasMessageContaining("run yolov8n.onnx on the CPU");
    }

    @Test
    void missingAndForeignFilesFailBeforeAnyNativeWork() throws Exception {
        TrtEngineProvider p = new TrtEngineProvider(() -> {
            throw new AssertionError("must not load natives for a bad file");
        });
        assertThatThrownBy(() -> p.create(new EngineConfig(dir.resolve("none.engine"), CUDA0, 1, null)))
                .isInstanceOf(PeregrineException.class)
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
        Path raw = Files.write(dir.resolve("raw.engine"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13});
        assertThatThrownBy(() -> p.create(new EngineConfig(raw, CUDA0, 1, null)))
                .hasMessageContaining("raw.engine is not a Peregrine engine file");
    }

    @Test
    void unknownDeviceIndexIsUnavailable() throws Exception {
        Path file = engineFile();
        FakeBackend b = new FakeBackend(TestHeaders.TRT11_L4, 2);
        assertThatThrownBy(() -> new TrtEngineProvider(() -> b).create(new EngineConfig(file, new Device(Device.Kind.CUDA, 2), 1, null)))
                .isInstanceOf(PeregrineException.class)
                .hasMessageContaining("CUDA device 2 does not exist: this machine has 2 (cuda:0..cuda:1)");
        assertThat(b.opened.get()).isNull();
    }

    @Test
    void engineFromAnotherGpuIsRefusedBeforeDeserialization() throws Exception {
        Path file = engineFile();
        FakeBackend b = new FakeBackend(new BuildTarget(new TrtVersion(10, 3, 0), TestHeaders.ORIN), 1);
        assertThatThrownBy(() -> new TrtEngineProvider(() -> b).create(new EngineConfig(file, CUDA0, 1, null)))
                .isInstanceOf(PeregrineException.class)
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED))
                .hasMessageContaining("built for TensorRT 11.2.1 on NVIDIA L4")
                .hasMessageContaining("this machine has TensorRT 10.3.0 on Orin");
        assertThat(b.opened.get()).isNull();
    }

    @Test
    void matchingEngineIsHandedToTheBackendWithItsHeader() throws Exception {
        Path file = engineFile();
        FakeBackend b = new FakeBackend(TestHeaders.TRT11_L4, 1);
        new TrtEngineProvider(() -> b).create(new EngineConfig(file, CUDA0, 4, null));
        assertThat(b.opened.get().header().build().sourceModel()).isEqualTo("yolov8n.onnx");
        assertThat(b.opened.get().planLength()).isEqualTo(256);
    }
}
