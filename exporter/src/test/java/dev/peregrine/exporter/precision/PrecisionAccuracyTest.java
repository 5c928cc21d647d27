package dev.peregrine.exporter.precision;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.Precision;
import dev.peregrine.engines.eval.DetectorValidator;
import dev.peregrine.engines.eval.EvalDataset;
import dev.peregrine.engines.eval.EvalImage;
import dev.peregrine.engines.eval.UltralyticsMetrics;
import dev.peregrine.engines.eval.YoloDataset;
import dev.peregrine.engines.pipeline.YoloDetector;
import dev.peregrine.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accuracy gates of the precision passes on the trained detector, with a clean split: INT8 is calibrated on the
 * first 75 validation images and every precision is scored on the other 75 (Ultralytics val settings).
 */
class PrecisionAccuracyTest {

    @Test
    void fp16AndInt8StayWithinTheirMapBudgets(@TempDir Path dir) throws Exception {
        EvalDataset all = YoloDataset.read(Fixtures.file("trained/data.yaml"), null);
        EvalDataset calib = all.slice(0, 75);
        EvalDataset eval = all.slice(75, 150);
        ModelProto fp32 = OnnxFiles.read(Fixtures.file("trained/shapes-yolov8n.onnx"));
        ModelProto fp16 = PrecisionPasses.toFp16(fp32, Fp16Options.defaults());
        List<Path> calibImages = calib.images().stream().map(EvalImage::file).toList();
        ModelProto int8 = PrecisionPasses.toInt8(fp32, CalibrationSource.ofImages("first 75 val images", calibImages),
                Int8Options.defaults(), null);

        UltralyticsMetrics m32 = score(fp32, eval, dir.resolve("fp32.onnx"), Precision.FP32);
        UltralyticsMetrics m16 = score(fp16, eval, dir.resolve("fp16.onnx"), Precision.FP16);
        UltralyticsMetrics m8 = score(int8, eval, dir.resolve("int8.onnx"), Precision.INT8);
        System.out.printf("mAP50-95 on the last 75 val images: fp32 %.4f fp16 %.4f int8 %.4f%n", m32.map(), m16.map(),
                m8.map());
        assertThat(Math.abs(m16.map() - m32.map())).isLessThanOrEqualTo(0.002);
        assertThat(m32.map() - m8.map()).isLessThanOrEqualTo(0.01);
        assertThat(m32.map50() - m8.map50()).isLessThanOrEqualTo(0.01);
    }

    private static UltralyticsMetrics score(ModelProto model, EvalDataset data, Path file, Precision expected)
            throws Exception {
        OnnxFiles.write(model, file);
        try (YoloDetector d = YoloDetector.open(EngineConfig.cpu(file))) {
            assertThat(d.info().precision()).isEqualTo(expected);
            return DetectorValidator.run(d, data, DetectOptions.validation(), 1, null).report().ultralytics();
        }
    }
}
