package dev.peregrine.server.cli;

import static dev.peregrine.server.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.peregrine.engines.Precision;
import dev.peregrine.exporter.precision.OnnxFiles;
import dev.peregrine.exporter.precision.PrecisionPasses;
import dev.peregrine.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peregrine export --precision fp16|int8} on .onnx and .pt inputs. */
class ExportPrecisionCommandTest {
    @TempDir
    Path dir;

    @Test
    void convertsAnOnnxModelToFp16BesideTheInput() throws Exception {
        Path in = Files.copy(Fixtures.file("tiny/yolov8n.onnx"), dir.resolve("m.onnx"));
        CliRun r = run("export", in.toString(), "--precision", "fp16");
        assertThat(r.exit()).as(r.err()).isZero();
        Path out = dir.resolve("m-fp16.onnx");
        assertThat(r.out()).contains("exported " + out + " (fp16");
        assertThat(PrecisionPasses.precisionOf(OnnxFiles.read(out))).isEqualTo(Precision.FP16);
    }

    @Test
    void quantizesACheckpointToInt8WithCalibrationImages() throws Exception {
        Path out = dir.resolve("tiny-int8.onnx");
        CliRun r = run("export", Fixtures.file("tiny/yolov8n.pt").toString(), "--precision", "int8", "--calib",
                Fixtures.file("images").toString(), "--calib-size", "3", "--calib-method", "percentile",
                "-o", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("calibrating INT8 on 3 images", "exported " + out + " (int8");
        ModelProto m = OnnxFiles.read(out);
        assertThat(PrecisionPasses.precisionOf(m)).isEqualTo(Precision.INT8);
        assertThat(m.getGraph().getNodeList()).anyMatch(n -> n.getOpType().equals("QuantizeLinear"));
    }

    @Test
    void refusesIncompleteOrWrongRequests() throws Exception {
        String onnx = Fixtures.file("tiny/yolov8n.onnx").toString();
        CliRun noCalib = run("export", onnx, "--precision", "int8", "-o", dir.resolve("x.onnx").toString());
        assertThat(noCalib.exit()).isEqualTo(2);
        assertThat(noCalib.err()).contains("error: --precision int8 needs calibration images");
        CliRun method = run("export", onnx, "--precision", "int8", "--calib", Fixtures.file("images").toString(),
                "--calib-method", "magic", "-o", dir.resolve("x.onnx").toString());
        assertThat(method.err()).contains("unknown calibration method 'magic'");
        CliRun fp32 = run("export", onnx);
        assertThat(fp32.err()).contains("is already an ONNX model; give --precision fp16 or int8");
        CliRun empty = run("export", onnx, "--precision", "int8", "--calib",
                Files.createDirectories(dir.resolve("empty")).toString(), "-o", dir.resolve("x.onnx").toString());
        assertThat(empty.err()).contains("contains no images");
        assertThat(dir.resolve("x.onnx")).doesNotExist();
    }
}
