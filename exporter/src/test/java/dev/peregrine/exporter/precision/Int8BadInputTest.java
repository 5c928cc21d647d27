package dev.peregrine.exporter.precision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The INT8 pass refuses what it cannot quantize with a message that names the problem. */
class Int8BadInputTest {
    @TempDir
    Path dir;

    private static ModelProto tiny() throws PeregrineException {
        return OnnxFiles.read(Fixtures.file("tiny/yolov8n.onnx"));
    }

    private static CalibrationSource images() throws PeregrineException {
        return CalibrationSource.of(Fixtures.file("images"));
    }

    private static Int8Options three() {
        return Int8Options.defaults().withMinImages(3);
    }

    @Test
    void anEmptyOrMissingCalibrationSource() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.writeString(empty.resolve("notes.txt"), "no images here");
        expect(() -> CalibrationSource.of(empty), ErrorCode.BAD_INPUT, "contains no images");
        expect(() -> CalibrationSource.of(dir.resolve("missing")), ErrorCode.NOT_FOUND, "calibration source not found");
        Path other = Files.writeString(dir.resolve("model.bin"), "x");
        expect(() -> CalibrationSource.of(other), ErrorCode.BAD_INPUT, "must be an image folder");
    }

    @Test
    void tooFewReadableImages() throws Exception {
        Path bad = Files.createDirectories(dir.resolve("bad"));
        for (int i = 0; i < 3; i++) {
            Files.write(bad.resolve(i + ".jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});
        }
        Files.copy(Fixtures.file("images/bus.jpg"), bad.resolve("bus.jpg"));
        expect(() -> PrecisionPasses.toInt8(tiny(), CalibrationSource.of(bad), Int8Options.defaults().withMinImages(2),
                null), ErrorCode.BAD_INPUT, "calibration needs at least 2 readable images");
    }

    @Test
    void aModelThatIsAlreadyQuantizedOrFp16() throws Exception {
        ModelProto q = PrecisionPasses.toInt8(tiny(), images(), three(), null);
        expect(() -> PrecisionPasses.toInt8(q, images(), three(), null), ErrorCode.BAD_INPUT, "already quantized");
        expect(() -> PrecisionPasses.toFp16(q, Fp16Options.defaults()), ErrorCode.BAD_INPUT, "already quantized");
        ModelProto half = PrecisionPasses.toFp16(tiny(), Fp16Options.defaults());
        expect(() -> PrecisionPasses.toInt8(half, images(), three(), null), ErrorCode.BAD_INPUT, "FP16 weights");
    }

    @Test
    void aModelWithAnOldOpset() throws Exception {
        ModelProto m = tiny().toBuilder().clearOpsetImport()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(12)).build();
        expect(() -> PrecisionPasses.toInt8(m, images(), three(), null), ErrorCode.UNSUPPORTED, "opset 13 or newer");
    }

    @Test
    void aModelThatIsNotAnImageModel() throws Exception {
        TypeProto vec = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(1)
                .setShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1))
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(4)))).build();
        GraphProto g = GraphProto.newBuilder().setName("g")
                .addInput(ValueInfoProto.newBuilder().setName("x").setType(vec))
                .addOutput(ValueInfoProto.newBuilder().setName("y").setType(vec))
                .addNode(NodeProto.newBuilder().setOpType("Relu").setName("relu").addInput("x").addOutput("y"))
                .build();
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).build();
        expect(() -> PrecisionPasses.toInt8(m, images(), three(), null), ErrorCode.UNSUPPORTED, "not an image model");
    }

    @Test
    void int8WithoutCalibrationImages() {
        expect(() -> PrecisionPasses.apply(tiny(), dev.peregrine.engines.Precision.INT8, Fp16Options.defaults(), null,
                Int8Options.defaults(), null), ErrorCode.BAD_INPUT, "INT8 needs calibration images");
    }

    private static void expect(ThrowingCallable call, ErrorCode code, String message) {
        assertThatThrownBy(call).isInstanceOf(PeregrineException.class).hasMessageContaining(message)
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(code));
    }
}
