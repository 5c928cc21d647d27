package dev.peregrine.server.cli;

import static dev.peregrine.server.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peregrine export}: options reach the exporter, output is concise, errors exit 2 with one line. */
class ExportCommandTest {
    @TempDir
    Path dir;

    @Test
    void exportsWithOptionsAndPrintsTheResult() throws Exception {
        Path out = dir.resolve("m.onnx");
        CliRun r = run("export", Fixtures.file("tiny/yolov8n.pt").toString(), "--imgsz", "192x224",
                "--batch", "2", "--opset", "18", "-o", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(out).isRegularFile();
        String text = r.out();
        assertThat(text).contains("reading yolov8n.pt").contains("192x224, batch 2, opset 18")
                .containsPattern("exported .*m\\.onnx \\(\\d+\\.\\d MB\\) in \\d+\\.\\d\\d s");
        assertThat(text.lines().count()).isLessThanOrEqualTo(4);
        var model = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(out));
        assertThat(model.getOpsetImport(0).getVersion()).isEqualTo(18);
        assertThat(model.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimValue())
                .isEqualTo(2);
    }

    @Test
    void badImageSizeExitsWithOneErrorLine() {
        CliRun r = run("export", Fixtures.file("tiny/yolov8n.pt").toString(), "--imgsz", "100",
                "-o", dir.resolve("x.onnx").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().trim()).startsWith("error: image size 100x100 is not a multiple");
        assertThat(dir.resolve("x.onnx")).doesNotExist();
    }

    @Test
    void parsesImageSizesAndPrecisions() throws Exception {
        assertThat(ExportCommand.parseImgsz("640")).containsExactly(640, 640);
        assertThat(ExportCommand.parseImgsz("480x640")).containsExactly(480, 640);
        assertThat(ExportCommand.parseImgsz("480,640")).containsExactly(480, 640);
        assertThatThrownBy(() -> ExportCommand.parseImgsz("big")).isInstanceOf(PeregrineException.class)
                .hasMessageContaining("--imgsz 'big'");
        assertThatThrownBy(() -> ExportCommand.parseImgsz("0")).hasMessageContaining("positive");
        assertThat(ExportCommand.parsePrecision("FP16").name()).isEqualTo("FP16");
        assertThatThrownBy(() -> ExportCommand.parsePrecision("int4")).hasMessageContaining("fp32, fp16 or int8");
    }
}
