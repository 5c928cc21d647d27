package dev.peregrine.exporter.precision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.testing.Fixtures;
import dev.peregrine.testing.Npy;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The FP16 pass on Ultralytics' own ONNX exports, run by ONNX Runtime on CPU. */
class Fp16ConverterTest {

    @Test
    void convertsTheTrainedDetectorWithFloat32IoAndHeadTail() throws Exception {
        ModelProto fp32 = OnnxFiles.read(Fixtures.file("trained/shapes-yolov8n.onnx"));
        ModelProto fp16 = Fp16Converter.convert(fp32, Fp16Options.defaults());

        // graph inputs and outputs stay float32
        assertThat(fp16.getGraph().getInput(0).getType().getTensorType().getElemType()).isEqualTo(TensorData.FLOAT);
        assertThat(fp16.getGraph().getOutput(0).getType().getTensorType().getElemType()).isEqualTo(TensorData.FLOAT);
        Map<String, TensorProto> inits = new HashMap<>();
        fp16.getGraph().getInitializerList().forEach(t -> inits.put(t.getName(), t));
        // backbone and head convolutions in FP16, the DFL's fixed 0..15 convolution (head tail) in float32
        assertThat(inits.get("model.0.conv.weight").getDataType()).isEqualTo(TensorData.FLOAT16);
        assertThat(inits.get("model.22.cv3.2.2.weight").getDataType()).isEqualTo(TensorData.FLOAT16);
        assertThat(inits.get("model.22.dfl.conv.weight").getDataType()).isEqualTo(TensorData.FLOAT);
        Map<String, NodeProto> producers = new HashMap<>();
        fp16.getGraph().getNodeList().forEach(n -> n.getOutputList().forEach(o -> producers.put(o, n)));
        for (NodeProto n : fp16.getGraph().getNodeList()) {
            if (n.getOpType().equals("Resize")) {
                // Resize's scales must stay float32
                NodeProto scales = producers.get(n.getInput(2));
                assertThat(GraphIndex.attr(scales, "value").getT().getDataType()).isEqualTo(TensorData.FLOAT);
            }
            if (n.getOpType().equals("Reshape") || n.getOpType().equals("Split")) {
                // int64 shape data untouched
                NodeProto shape = producers.get(n.getInput(1));
                assertThat(GraphIndex.attr(shape, "value").getT().getDataType()).isEqualTo(TensorData.INT64);
            }
        }
        assertThat(fp16.getMetadataPropsList()).anySatisfy(p -> {
            assertThat(p.getKey()).isEqualTo("precision");
            assertThat(p.getValue()).isEqualTo("fp16");
        });
        assertThat(fp16.getSerializedSize()).isLessThan(fp32.getSerializedSize() * 55 / 100);

        // on a real validation image: boxes within a pixel, scores within 0.005 of float32
        float[] in = OrtRun.letterboxed(Fixtures.file("trained/images/val/000001.jpg"), 320);
        long[] shape = {1, 3, 320, 320};
        float[] ref = OrtRun.output0(fp32, in, shape);
        float[] got = OrtRun.output0(fp16, in, shape);
        float boxes = 0;
        float scores = 0;
        for (int i = 0; i < ref.length; i++) {
            float d = Math.abs(got[i] - ref[i]);
            if (i < 4 * 2100) {
                boxes = Math.max(boxes, d);
            } else {
                scores = Math.max(scores, d);
            }
        }
        assertThat(boxes).isLessThan(1f);
        assertThat(scores).isLessThan(0.005f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yolov5nu", "yolov8n", "yolov9t", "yolov10n", "yolo11n", "yolo12n", "yolo26n",
            "yolov8n-seg", "yolov8n-pose", "yolov8n-obb", "yolov8n-cls", "yolo11n-seg", "yolo11n-pose", "yolo11n-obb",
            "yolo11n-cls"})
    void everyTinyFixtureConvertsAndRunsOnOnnxRuntime(String name) throws Exception {
        ModelProto fp32 = OnnxFiles.read(Fixtures.file("tiny/" + name + ".onnx"));
        Npy in = Npy.read(Fixtures.file(name.endsWith("-cls") ? "tiny/bus.classify.input.npy" : "tiny/bus.input.npy"));
        ModelProto fp16 = Fp16Converter.convert(fp32, Fp16Options.defaults());
        float[] ref = OrtRun.output0(fp32, in.data, in.shape);
        float[] got = OrtRun.output0(fp16, in.data, in.shape);
        assertThat(got).hasSameSizeAs(ref);
        double[] diff = new double[ref.length];
        double scale = 0;
        for (int i = 0; i < ref.length; i++) {
            assertThat(Float.isFinite(got[i])).as("output %d finite", i).isTrue();
            diff[i] = Math.abs(got[i] - ref[i]);
            scale = Math.max(scale, Math.abs(ref[i]));
        }
        boolean endToEnd = name.equals("yolov10n") || name.equals("yolo26n");
        if (!endToEnd) {
            // the random-weight fixtures amplify rounding (randomised BatchNorm), so only the typical element is
            // held to FP16 accuracy; end-to-end heads reorder their top-k rows, so no element-wise check there
            Arrays.sort(diff);
            assertThat(diff[diff.length / 2]).isLessThan(0.001 * scale);
        }
    }

    @Test
    void refusesAModelThatIsAlreadyFp16() throws Exception {
        ModelProto once = Fp16Converter.convert(OnnxFiles.read(Fixtures.file("tiny/yolov8n.onnx")),
                Fp16Options.defaults());
        assertThatThrownBy(() -> Fp16Converter.convert(once, Fp16Options.defaults()))
                .isInstanceOf(PeregrineException.class).hasMessageContaining("already holds FP16")
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.BAD_INPUT));
    }

    @Test
    void refusesBytesThatAreNotOnnx() {
        assertThatThrownBy(() -> OnnxFiles.parse("not a model".getBytes(), "x.onnx"))
                .isInstanceOf(PeregrineException.class).hasMessageContaining("x.onnx is not an ONNX model");
    }
}
