package dev.peregrine.exporter.pt;

import dev.peregrine.engines.numeric.Half;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import dev.peregrine.testing.Fixtures;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tensor values are exact: FP16 decoding against an independent formula and against Ultralytics' own export. */
class PtTensorValuesTest {

    @Test
    void everyHalfPrecisionBitPatternConvertsExactly() {
        for (int bits = 0; bits < 0x10000; bits++) {
            int sign = bits >> 15;
            int exp = (bits >> 10) & 0x1f;
            int mant = bits & 0x3ff;
            double expected;
            if (exp == 0x1f) {
                expected = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
            } else if (exp == 0) {
                expected = Math.scalb((double) mant, -24);
            } else {
                expected = Math.scalb(1.0 + mant / 1024.0, exp - 15);
            }
            expected = sign == 1 ? -expected : expected;
            float actual = Half.toFloat((short) bits);
            if (Double.isNaN(expected)) {
                assertThat(actual).as("bits %04x", bits).isNaN();
            } else {
                assertThat((double) actual).as("bits %04x", bits).isEqualTo(expected);
                assertThat(Math.copySign(1f, actual)).as("sign of %04x", bits).isEqualTo(sign == 1 ? -1f : 1f);
            }
        }
    }

    /**
     * Folds each Conv's BatchNorm the way torch's fuse_conv_and_bn does (float32) from the FP16 tensors read here and
     * compares with the weights Ultralytics wrote into tiny/yolov8n.onnx after {@code model.float().fuse()}.
     */
    @Test
    void foldedConvolutionsMatchTheUltralyticsOnnxExport() throws Exception {
        Map<String, float[]> onnx = new HashMap<>();
        try (InputStream in = Files.newInputStream(Fixtures.file("tiny/yolov8n.onnx"))) {
            for (OnnxMl.TensorProto t : OnnxMl.ModelProto.parseFrom(in).getGraph().getInitializerList()) {
                if (t.getDataType() == OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
                    float[] v;
                    if (!t.getRawData().isEmpty()) {
                        ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                        v = new float[b.remaining() / 4];
                        b.asFloatBuffer().get(v);
                    } else {
                        v = new float[t.getFloatDataCount()];
                        for (int i = 0; i < v.length; i++) {
                            v[i] = t.getFloatData(i);
                        }
                    }
                    onnx.put(t.getName(), v);
                }
            }
        }
        ModuleNode model = PtCheckpoint.read(Fixtures.file("tiny/yolov8n.pt")).model();
        int compared = 0;
        for (ModuleNode m : model.walk()) {
            if (!m.simpleName().equals("Conv") || !m.hasChild("bn")) {
                continue;
            }
            float[] fusedW = onnx.get(m.path() + ".conv.weight");
            float[] fusedB = onnx.get(m.path() + ".conv.bias");
            assertThat(fusedW).as(m.path()).isNotNull();
            ModuleNode bn = m.child("bn");
            float eps = (float) bn.doubleAttr("eps");
            float[] w = m.child("conv").param("weight").toFloats();
            float[] gamma = bn.param("weight").toFloats();
            float[] beta = bn.param("bias").toFloats();
            float[] mean = bn.buffer("running_mean").toFloats();
            float[] var = bn.buffer("running_var").toFloats();
            int perChannel = w.length / gamma.length;
            for (int o = 0; o < gamma.length; o++) {
                float scale = gamma[o] / (float) Math.sqrt(var[o] + eps);
                for (int k = 0; k < perChannel; k++) {
                    int i = o * perChannel + k;
                    assertThat(fusedW[i]).as("%s weight %d", m.path(), i)
                            .isCloseTo(w[i] * scale, org.assertj.core.data.Offset.offset(1e-6f * Math.abs(w[i] * scale) + 1e-12f));
                }
                float bias = beta[o] - gamma[o] * mean[o] / (float) Math.sqrt(var[o] + eps);
                assertThat(fusedB[o]).as("%s bias %d", m.path(), o)
                        .isCloseTo(bias, org.assertj.core.data.Offset.offset(2e-6f * Math.abs(bias) + 1e-6f));
            }
            compared++;
        }
        assertThat(compared).isEqualTo(57);
    }

    @Test
    void stridedAndContiguousPathsAgree() throws Exception {
        ModuleNode model = PtCheckpoint.read(PtCases.resource("torch2-style.pt")).model();
        TorchTensor grid = model.tensorAttr("grid");
        assertThat(grid.isContiguous()).isFalse();
        TorchTensor w = model.child("model").child("0").child("conv").param("weight");
        assertThat(w.isContiguous()).isTrue();
        float[] viaFloats = w.toFloats();
        double[] viaDoubles = w.toDoubles();
        for (int i = 0; i < viaFloats.length; i++) {
            assertThat((double) viaFloats[i]).isEqualTo(viaDoubles[i]);
        }
        assertThatThrownBy(w::toLongs).isInstanceOf(IllegalStateException.class).hasMessageContaining("FLOAT16");
    }

    @Test
    void lookupsNameThePathAndWhatIsThere() throws Exception {
        ModuleNode conv = PtCheckpoint.read(Fixtures.file("tiny/yolov8n.pt")).model().child("model").child("0");
        assertThatThrownBy(() -> conv.child("cv9")).isInstanceOf(CheckpointStructureException.class)
                .hasMessage("module model.0 (Conv) has no child module 'cv9' (has: conv, bn, act)");
        assertThatThrownBy(() -> conv.child("conv").param("bias")).isInstanceOf(CheckpointStructureException.class)
                .hasMessage("module model.0.conv (Conv2d) has no parameter 'bias' (has: weight)");
        assertThatThrownBy(() -> conv.intAttr("type")).isInstanceOf(CheckpointStructureException.class)
                .hasMessage("module model.0 (Conv) attribute 'type' is the str 'ultralytics.nn.modules.conv.Conv',"
                        + " expected an int");
        assertThat(new CheckpointStructureException("x").toPeregrineException().code())
                .isEqualTo(dev.peregrine.engines.ErrorCode.UNSUPPORTED);
    }
}
