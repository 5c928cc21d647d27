package dev.peregrine.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.peregrine.engines.Precision;
import dev.peregrine.exporter.precision.OnnxFiles;
import dev.peregrine.exporter.precision.PrecisionPasses;
import dev.peregrine.testing.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code peregrine export --precision fp16|int8} on .onnx and .pt inputs. */
class ExportPrecisionCommandTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cl = PeregrineCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void convertsAnOnnxModelToFp16BesideTheInput() throws Exception {
        Path in = Files.copy(Fixtures.file("tiny/yolov8n.onnx"), dir.resolve("m.onnx"));
        Run r = run("export", in.toString(), "--precision", "fp16");
        assertThat(r.exit()).as(r.err()).isZero();
        Path out = dir.resolve("m-fp16.onnx");
        assertThat(r.out()).contains("exported " + out + " (fp16");
        assertThat(PrecisionPasses.precisionOf(OnnxFiles.read(out))).isEqualTo(Precision.FP16);
    }

    @Test
    void quantizesACheckpointToInt8WithCalibrationImages() throws Exception {
        Path out = dir.resolve("tiny-int8.onnx");
        Run r = run("export", Fixtures.file("tiny/yolov8n.pt").toString(), "--precision", "int8", "--calib",
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
        Run noCalib = run("export", onnx, "--precision", "int8", "-o", dir.resolve("x.onnx").toString());
        assertThat(noCalib.exit()).isEqualTo(2);
        assertThat(noCalib.err()).contains("error: --precision int8 needs calibration images");
        Run method = run("export", onnx, "--precision", "int8", "--calib", Fixtures.file("images").toString(),
                "--calib-method", "magic", "-o", dir.resolve("x.onnx").toString());
        assertThat(method.err()).contains("unknown calibration method 'magic'");
        Run fp32 = run("export", onnx);
        assertThat(fp32.err()).contains("is already an ONNX model; give --precision fp16 or int8");
        Run empty = run("export", onnx, "--precision", "int8", "--calib",
                Files.createDirectories(dir.resolve("empty")).toString(), "-o", dir.resolve("x.onnx").toString());
        assertThat(empty.err()).contains("contains no images");
        assertThat(dir.resolve("x.onnx")).doesNotExist();
    }
}
