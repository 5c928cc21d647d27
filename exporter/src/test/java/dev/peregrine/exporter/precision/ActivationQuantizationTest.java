package dev.peregrine.exporter.precision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link PrecisionPasses#activationQuantization} on small hand-built graphs: {@code x -> Q -> DQ -> Relu -> y},
 * varied in the ways third-party Q/DQ models differ from Peregrine's.
 */
class ActivationQuantizationTest {
    private static final long[] SHAPE = {1, 4};
    private static final float[] INPUT = {-3f, -0.01f, 0.26f, 3f};

    /** One activation Q/DQ pair with an inline scalar zero point of {@code zpType}, and a float Relu after it. */
    private static GraphProto.Builder pair(int zpType, byte zeroPoint) {
        return GraphProto.newBuilder().setName("g")
                .addInput(floatValue("x")).addOutput(floatValue("y"))
                .addInitializer(TensorData.floatTensor("s", new long[0], new float[] {0.02f}))
                .addInitializer(TensorData.byteTensor("zp", zpType, new long[0], new byte[] {zeroPoint}))
                .addNode(node("QuantizeLinear", List.of("x", "s", "zp"), "q"))
                .addNode(node("DequantizeLinear", List.of("q", "s", "zp"), "dq"))
                .addNode(node("Relu", List.of("dq"), "y"));
    }

    private static ModelProto model(GraphProto.Builder g) {
        return ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).build();
    }

    private static ActivationQuantization classify(GraphProto.Builder g) {
        return PrecisionPasses.activationQuantization(model(g));
    }

    @Test
    void int8ActivationsAreConvertibleAndTheRewriteKeepsTheValues() throws Exception {
        ModelProto int8 = model(pair(TensorData.INT8, (byte) 0));
        assertThat(PrecisionPasses.activationQuantization(int8)).isEqualTo(ActivationQuantization.INT8);
        ModelProto uint8 = PrecisionPasses.int8ActivationsToUint8(int8);
        assertThat(PrecisionPasses.activationQuantization(uint8)).isEqualTo(ActivationQuantization.UINT8);
        // the same real values: 0.26 = 13 steps of 0.02 either way, 3.0 clamped at 127 steps (int8 127, uint8 255)
        float[] expected = {0f, 0f, 0.26f, 2.54f};
        assertThat(OrtRun.output0(int8, INPUT, SHAPE)).containsExactly(expected, within(1e-6f));
        assertThat(OrtRun.output0(uint8, INPUT, SHAPE)).containsExactly(expected, within(1e-6f));
    }

    @Test
    void floatModelsAndWeightOnlyQuantizationHaveNoQuantizedActivations() {
        GraphProto.Builder fp32 = GraphProto.newBuilder().setName("g").addInput(floatValue("x"))
                .addOutput(floatValue("y")).addNode(node("Relu", List.of("x"), "y"));
        assertThat(classify(fp32)).isEqualTo(ActivationQuantization.NONE);
        // a QuantizeLinear over an initializer quantizes a weight, whatever its zero point
        GraphProto.Builder weights = pair(TensorData.INT8, (byte) 0)
                .addInitializer(TensorData.floatTensor("w", new long[] {4}, new float[] {1, 2, 3, 4}))
                .setNode(0, node("QuantizeLinear", List.of("w", "s", "zp"), "q"))
                .setNode(2, node("Add", List.of("x", "dq"), "y"));
        assertThat(classify(weights)).isEqualTo(ActivationQuantization.NONE);
    }

    @Test
    void theZeroPointTypeDecidesTheActivationType() {
        assertThat(classify(pair(TensorData.UINT8, (byte) 128))).isEqualTo(ActivationQuantization.UINT8);
        // no zero point: uint8 by default, int8 when opset 21's output_dtype says so (and then nothing to shift)
        GraphProto.Builder none = pair(TensorData.INT8, (byte) 0)
                .setNode(0, node("QuantizeLinear", List.of("x", "s"), "q"))
                .setNode(1, node("DequantizeLinear", List.of("q", "s"), "dq"));
        assertThat(classify(none)).isEqualTo(ActivationQuantization.UINT8);
        NodeProto int8Dtype = node("QuantizeLinear", List.of("x", "s"), "q").toBuilder()
                .addAttribute(AttributeProto.newBuilder().setName("output_dtype")
                        .setType(AttributeProto.AttributeType.INT).setI(TensorData.INT8)).build();
        assertThat(classify(none.setNode(0, int8Dtype))).isEqualTo(ActivationQuantization.INT8_NOT_CONVERTIBLE);
    }

    @Test
    void int8ActivationsTheRewriteWouldLeavePartialOrInvalidAreNotConvertible() {
        // zero point from a Constant node: int8, but not an initializer the rewrite shifts
        GraphProto.Builder constant = pair(TensorData.INT8, (byte) 0).removeInitializer(1)
                .addNode(0, NodeProto.newBuilder().setOpType("Constant").addOutput("zp")
                        .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                                .setT(TensorData.byteTensor("zp", TensorData.INT8, new long[0], new byte[] {0}))));
        assertThat(classify(constant)).isEqualTo(ActivationQuantization.INT8_NOT_CONVERTIBLE);
        // the quantized tensor leaves the graph, or is read by something that is not a DequantizeLinear
        assertThat(classify(pair(TensorData.INT8, (byte) 0).addOutput(int8Value("q"))))
                .isEqualTo(ActivationQuantization.INT8_NOT_CONVERTIBLE);
        assertThat(classify(pair(TensorData.INT8, (byte) 0).addNode(node("Identity", List.of("q"), "q2"))))
                .isEqualTo(ActivationQuantization.INT8_NOT_CONVERTIBLE);
        // the dequantizer's zero point is per-channel: it would stay int8 behind a uint8 quantizer
        GraphProto.Builder perChannel = pair(TensorData.INT8, (byte) 0)
                .addInitializer(TensorData.byteTensor("zp4", TensorData.INT8, new long[] {1}, new byte[] {0}))
                .setNode(1, node("DequantizeLinear", List.of("q", "s", "zp4"), "dq"));
        assertThat(classify(perChannel)).isEqualTo(ActivationQuantization.INT8_NOT_CONVERTIBLE);
        // zero point stored in int32_data rather than raw bytes
        TensorProto typed = TensorProto.newBuilder().setName("zp").setDataType(TensorData.INT8).addInt32Data(0).build();
        assertThat(classify(pair(TensorData.INT8, (byte) 0).setInitializer(1, typed)))
                .isEqualTo(ActivationQuantization.INT8_NOT_CONVERTIBLE);
        // weights in an external file
        TensorProto external = TensorProto.newBuilder().setName("w").setDataType(TensorData.FLOAT).addDims(4)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL).build();
        assertThat(classify(pair(TensorData.INT8, (byte) 0).addInitializer(external)))
                .isEqualTo(ActivationQuantization.INT8_NOT_CONVERTIBLE);
    }

    private static NodeProto node(String op, List<String> inputs, String output) {
        return NodeProto.newBuilder().setOpType(op).setName(output + "_" + op).addAllInput(inputs).addOutput(output)
                .build();
    }

    private static ValueInfoProto floatValue(String name) {
        return value(name, TensorData.FLOAT);
    }

    private static ValueInfoProto int8Value(String name) {
        return value(name, TensorData.INT8);
    }

    private static ValueInfoProto value(String name, int type) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : SHAPE) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape))).build();
    }
}
