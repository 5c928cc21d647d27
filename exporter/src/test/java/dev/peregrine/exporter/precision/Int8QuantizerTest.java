package dev.peregrine.exporter.precision;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.peregrine.testing.Fixtures;
import dev.peregrine.testing.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** INT8 Q/DQ quantization of Ultralytics ONNX exports, checked structurally and by running ONNX Runtime. */
class Int8QuantizerTest {
    private static ModelProto fp32;
    private static ModelProto int8;

    @BeforeAll
    static void quantizeOnce() throws Exception {
        fp32 = OnnxFiles.read(Fixtures.file("trained/shapes-yolov8n.onnx"));
        CalibrationSource source = CalibrationSource.of(Fixtures.file("trained/images/val"));
        int8 = PrecisionPasses.toInt8(fp32, source, Int8Options.defaults().withCalibSize(16), null);
    }

    @Test
    void placesQdqOnConvolutionsWithPerChannelWeightsAndKeepsTheHeadTailFloat() throws Exception {
        Map<String, TensorProto> inits = new HashMap<>();
        int8.getGraph().getInitializerList().forEach(t -> inits.put(t.getName(), t));
        Map<String, NodeProto> producers = new HashMap<>();
        int8.getGraph().getNodeList().forEach(n -> n.getOutputList().forEach(o -> producers.put(o, n)));
        int quantizedConvs = 0;
        for (NodeProto n : int8.getGraph().getNodeList()) {
            if (!n.getOpType().equals("Conv")) {
                continue;
            }
            NodeProto w = producers.get(n.getInput(1));
            if (n.getName().contains("dfl")) {
                assertThat(w).as("DFL convolution stays float").isNull();
                continue;
            }
            assertThat(w.getOpType()).isEqualTo("DequantizeLinear");
            TensorProto q = inits.get(w.getInput(0));
            TensorProto scale = inits.get(w.getInput(1));
            assertThat(q.getDataType()).isEqualTo(TensorData.INT8);
            assertThat(scale.getDimsList()).containsExactly(q.getDims(0)); // one scale per output channel
            assertThat(GraphIndex.attr(w, "axis").getI()).isZero();
            NodeProto x = producers.get(n.getInput(0));
            assertThat(x.getOpType()).isEqualTo("DequantizeLinear");
            assertThat(inits.get(x.getInput(2)).getDataType()).isEqualTo(TensorData.INT8); // symmetric int8, zp 0
            assertThat(inits.get(x.getInput(2)).getRawData().byteAt(0)).isZero();
            NodeProto b = producers.get(n.getInput(2));
            assertThat(inits.get(b.getInput(0)).getDataType()).isEqualTo(TensorData.INT32);
            quantizedConvs++;
        }
        assertThat(quantizedConvs).isEqualTo(63);
        // graph I/O stays float32, metadata says int8
        assertThat(int8.getGraph().getInput(0).getType().getTensorType().getElemType()).isEqualTo(TensorData.FLOAT);
        assertThat(PrecisionPasses.precisionOf(int8)).isEqualTo(dev.peregrine.engines.Precision.INT8);
        assertThat(int8.getSerializedSize()).isLessThan(fp32.getSerializedSize() * 30 / 100);
    }

    @Test
    void concatenatedTensorsShareOneScale() {
        Map<String, NodeProto> producers = new HashMap<>();
        int8.getGraph().getNodeList().forEach(n -> n.getOutputList().forEach(o -> producers.put(o, n)));
        int checked = 0;
        for (NodeProto n : int8.getGraph().getNodeList()) {
            if (!n.getOpType().equals("Concat") || n.getName().contains("model.22")) {
                continue;
            }
            List<String> scales = n.getInputList().stream().map(producers::get)
                    .map(dq -> dq.getOpType().equals("DequantizeLinear") ? dq.getInput(1) : "float").toList();
            assertThat(scales).as(n.getName()).doesNotContain("float");
            assertThat(scales.stream().distinct()).as(n.getName()).hasSize(1);
            checked++;
        }
        assertThat(checked).isGreaterThan(10);
    }

    @Test
    void onnxRuntimeFusesIntegerKernelsForUint8Activations(@TempDir Path dir) throws Exception {
        Map<String, Integer> plain = optimizedOps(int8, dir.resolve("int8.onnx"));
        Map<String, Integer> u8 = optimizedOps(PrecisionPasses.int8ActivationsToUint8(int8), dir.resolve("u8.onnx"));
        // int8 activations: ORT's x86 CPU provider keeps float convolutions (DQ folded into weights)
        assertThat(plain.getOrDefault("QLinearConv", 0)).isZero();
        // uint8 activations: the 57 quantized convolutions with quantized outputs become QLinearConv
        assertThat(u8.get("QLinearConv")).isEqualTo(57);
        assertThat(u8).containsKeys("QLinearConcat", "QLinearAdd");
    }

    @Test
    void theArtifactsActivationTypeIsReadFromItsGraph() {
        assertThat(PrecisionPasses.activationQuantization(fp32)).isEqualTo(ActivationQuantization.NONE);
        assertThat(PrecisionPasses.activationQuantization(int8)).isEqualTo(ActivationQuantization.INT8);
        assertThat(PrecisionPasses.activationQuantization(PrecisionPasses.int8ActivationsToUint8(int8)))
                .isEqualTo(ActivationQuantization.UINT8);
    }

    @Test
    void staysCloseToFloat32OnAValidationImage() throws Exception {
        float[] in = OrtRun.letterboxed(Fixtures.file("trained/images/val/000001.jpg"), 320);
        long[] shape = {1, 3, 320, 320};
        float[] ref = OrtRun.output0(fp32, in, shape);
        for (ModelProto m : List.of(int8, PrecisionPasses.int8ActivationsToUint8(int8))) {
            float[] got = OrtRun.output0(m, in, shape);
            // the best-scoring anchors (real objects) keep their boxes within 2 px and scores within 0.1
            for (int a = 0; a < 2100; a++) {
                float best = 0;
                for (int c = 0; c < 5; c++) {
                    best = Math.max(best, ref[(4 + c) * 2100 + a]);
                }
                if (best < 0.5f) {
                    continue;
                }
                for (int r = 0; r < 9; r++) {
                    float tol = r < 4 ? 2f : 0.1f;
                    assertThat(Math.abs(got[r * 2100 + a] - ref[r * 2100 + a])).as("anchor %d row %d", a, r)
                            .isLessThan(tol);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"yolov5nu", "yolov8n", "yolov9t", "yolov10n", "yolo11n", "yolo12n", "yolo26n",
            "yolov8n-seg", "yolov8n-pose", "yolov8n-obb", "yolo11n-cls"})
    void everyTinyFixtureQuantizesAndRuns(String name) throws Exception {
        ModelProto m = OnnxFiles.read(Fixtures.file("tiny/" + name + ".onnx"));
        CalibrationSource source = CalibrationSource.of(Fixtures.file("images"));
        ModelProto q = PrecisionPasses.toInt8(m, source, Int8Options.defaults().withMinImages(3), null);
        assertThat(q.getGraph().getNodeList()).anyMatch(n -> n.getOpType().equals("QuantizeLinear"));
        Npy in = Npy.read(Fixtures.file(name.endsWith("-cls") ? "tiny/bus.classify.input.npy" : "tiny/bus.input.npy"));
        float[] ref = OrtRun.output0(m, in.data, in.shape);
        float[] got = OrtRun.output0(q, in.data, in.shape);
        assertThat(got).hasSameSizeAs(ref);
        for (float v : got) {
            assertThat(Float.isFinite(v)).isTrue();
        }
    }

    /** Operator counts of the graph ONNX Runtime (CPU, all optimizations) actually runs. */
    private static Map<String, Integer> optimizedOps(ModelProto model, Path out) throws Exception {
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            so.setOptimizedModelFilePath(out.toString());
            try (OrtSession s = OrtEnvironment.getEnvironment().createSession(model.toByteArray(), so)) {
                assertThat(s.getNumOutputs()).isEqualTo(1);
            }
        }
        Map<String, Integer> ops = new TreeMap<>();
        for (NodeProto n : ModelProto.parseFrom(Files.readAllBytes(out)).getGraph().getNodeList()) {
            ops.merge(n.getOpType(), 1, Integer::sum);
        }
        return ops;
    }

}
