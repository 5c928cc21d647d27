package dev.peregrine.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import dev.peregrine.exporter.modules.EmitterRegistry;
import dev.peregrine.exporter.modules.StandardEmitters;
import dev.peregrine.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad options and unsupported models fail with a PeregrineException that says what is wrong, and write nothing. */
class ExportErrorsTest {
    @TempDir
    Path dir;

    @Test
    void unsupportedModuleNamesClassLayerAndSupportedModules() {
        EmitterRegistry withoutSppf = new EmitterRegistry();
        StandardEmitters.registerAll(withoutSppf);
        EmitterRegistry registry = new EmitterRegistry();
        for (String name : withoutSppf.supported()) {
            if (!name.equals("SPPF")) {
                registry.register(name, withoutSppf.find(name).orElseThrow());
            }
        }
        assertThatThrownBy(() -> Exporter.buildModel(Fixtures.file("tiny/yolov8n.pt"), ExportOptions.defaults(),
                ProgressListener.NONE, registry))
                .isInstanceOf(PeregrineException.class)
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED))
                .hasMessageContaining("SPPF (ultralytics.nn.modules.block.SPPF)")
                .hasMessageContaining("layer 9")
                .hasMessageContaining("supported modules: ")
                .hasMessageContaining("C2f")
                .hasMessageContaining("Detect");
    }

    @Test
    void unsupportedModuleInsideATaskHeadIsNamedWithItsPath() {
        EmitterRegistry standard = EmitterRegistry.standard();
        EmitterRegistry registry = new EmitterRegistry();
        for (String name : standard.supported()) {
            if (!name.equals("ConvTranspose2d")) {
                registry.register(name, standard.find(name).orElseThrow());
            }
        }
        assertThatThrownBy(() -> Exporter.buildModel(Fixtures.file("tiny/yolov8n-seg.pt"), ExportOptions.defaults(),
                ProgressListener.NONE, registry))
                .isInstanceOf(PeregrineException.class)
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED))
                .hasMessageContaining("unsupported module ConvTranspose2d")
                .hasMessageContaining("layer 22 at model.22.proto.upsample");
    }

    @Test
    void imageSizeMustBeAMultipleOfTheStride() {
        assertThatThrownBy(() -> Exporter.export(Fixtures.file("tiny/yolov8n.pt"),
                ExportOptions.defaults().withImgsz(150).withOutput(dir.resolve("x.onnx")), ProgressListener.NONE))
                .isInstanceOf(PeregrineException.class)
                .hasMessageContaining("150x150 is not a multiple of the model's stride 32")
                .hasMessageContaining("160x160")
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.BAD_INPUT));
        assertThat(dir.resolve("x.onnx")).doesNotExist();
    }

    @Test
    void badOptionsAreRefused() {
        Path pt = Fixtures.file("tiny/yolov8n.pt");
        assertThatThrownBy(() -> Exporter.export(pt, ExportOptions.defaults().withBatch(0), ProgressListener.NONE))
                .hasMessageContaining("batch must be at least 1");
        assertThatThrownBy(() -> Exporter.export(pt, ExportOptions.defaults().withOpset(9), ProgressListener.NONE))
                .hasMessageContaining("opset 9 is not supported");
        assertThatThrownBy(() -> Exporter.export(pt, ExportOptions.defaults().withPrecision(Precision.FP16)
                .withOutput(dir.resolve("h.onnx")), ProgressListener.NONE))
                .hasMessageContaining("precision fp16 is not available yet");
        assertThat(dir.resolve("h.onnx")).doesNotExist();
    }

    @Test
    void missingCheckpointIsNotFound() {
        assertThatThrownBy(() -> Exporter.export(dir.resolve("nope.pt"), ExportOptions.defaults(),
                ProgressListener.NONE))
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.NOT_FOUND))
                .hasMessageContaining("nope.pt");
    }

    @Test
    void notACheckpointIsBadInput() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pt"), "not a zip");
        assertThatThrownBy(() -> Exporter.export(junk, ExportOptions.defaults(), ProgressListener.NONE))
                .isInstanceOf(PeregrineException.class);
        assertThat(dir.resolve("junk.onnx")).doesNotExist();
    }
}
