package dev.peregrine.exporter.trt;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.CodedInputStream;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import dev.peregrine.engines.TensorSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the engine builder needs to know about an ONNX model before TensorRT sees it: graph inputs and outputs
 * (names, element types, shapes with -1 for symbolic dimensions), the {@code metadata_props} Ultralytics writes, and
 * the precision the graph carries (Q/DQ nodes: INT8; FP16 initializers or inputs: FP16; otherwise FP32).
 *
 * @param file      the ONNX file
 * @param inputs    graph inputs that are not initializers
 * @param outputs   graph outputs
 * @param metadata  {@code metadata_props}
 * @param precision precision of the graph
 */
public record OnnxModelSummary(Path file, List<TensorSpec> inputs, List<TensorSpec> outputs,
                               Map<String, String> metadata, Precision precision) {

    public OnnxModelSummary {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        metadata = Map.copyOf(metadata);
    }

    /**
     * Reads {@code file}.
     *
     * @throws PeregrineException NOT_FOUND for a missing file, BAD_INPUT for a file that is not an ONNX model
     */
    public static OnnxModelSummary read(Path file) throws PeregrineException {
        OnnxMl.ModelProto model;
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit(Integer.MAX_VALUE); // weights of large models exceed protobuf's old 64 MiB default
            model = OnnxMl.ModelProto.parseFrom(coded);
        } catch (NoSuchFileException e) {
            throw PeregrineException.notFound("ONNX model not found: " + file);
        } catch (IOException e) {
            throw new PeregrineException(ErrorCode.BAD_INPUT, file.getFileName() + " is not a readable ONNX model: " + e.getMessage(), e);
        }
        OnnxMl.GraphProto g = model.getGraph();
        if (g.getInputCount() == 0 || g.getOutputCount() == 0) {
            throw PeregrineException.badInput(file.getFileName() + " is not an ONNX model with inputs and outputs");
        }
        Set<String> initializers = new HashSet<>();
        boolean fp16 = false;
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            initializers.add(t.getName());
            fp16 |= t.getDataType() == OnnxMl.TensorProto.DataType.FLOAT16_VALUE;
        }
        List<TensorSpec> inputs = new ArrayList<>();
        for (OnnxMl.ValueInfoProto v : g.getInputList()) {
            if (!initializers.contains(v.getName())) {
                inputs.add(spec(v));
                fp16 |= v.getType().getTensorType().getElemType() == OnnxMl.TensorProto.DataType.FLOAT16_VALUE;
            }
        }
        List<TensorSpec> outputs = new ArrayList<>();
        for (OnnxMl.ValueInfoProto v : g.getOutputList()) {
            outputs.add(spec(v));
        }
        boolean qdq = g.getNodeList().stream()
                .anyMatch(n -> n.getOpType().equals("QuantizeLinear") || n.getOpType().equals("DequantizeLinear"));
        Map<String, String> meta = new LinkedHashMap<>();
        for (OnnxMl.StringStringEntryProto e : model.getMetadataPropsList()) {
            meta.put(e.getKey(), e.getValue());
        }
        Precision precision = qdq ? Precision.INT8 : fp16 ? Precision.FP16 : Precision.FP32;
        return new OnnxModelSummary(file, inputs, outputs, meta, precision);
    }

    private static TensorSpec spec(OnnxMl.ValueInfoProto v) {
        OnnxMl.TypeProto.Tensor t = v.getType().getTensorType();
        long[] shape = new long[t.getShape().getDimCount()];
        for (int i = 0; i < shape.length; i++) {
            OnnxMl.TensorShapeProto.Dimension d = t.getShape().getDim(i);
            shape[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : -1;
        }
        return new TensorSpec(v.getName(), elementName(t.getElemType()), shape);
    }

    private static String elementName(int type) {
        return switch (type) {
            case OnnxMl.TensorProto.DataType.FLOAT_VALUE -> "float";
            case OnnxMl.TensorProto.DataType.FLOAT16_VALUE -> "float16";
            case OnnxMl.TensorProto.DataType.BFLOAT16_VALUE -> "bfloat16";
            case OnnxMl.TensorProto.DataType.INT8_VALUE -> "int8";
            case OnnxMl.TensorProto.DataType.UINT8_VALUE -> "uint8";
            case OnnxMl.TensorProto.DataType.INT32_VALUE -> "int32";
            case OnnxMl.TensorProto.DataType.INT64_VALUE -> "int64";
            case OnnxMl.TensorProto.DataType.BOOL_VALUE -> "bool";
            default -> "onnx-type-" + type;
        };
    }
}
