package dev.peregrine.testing;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes tiny ONNX models for tests with {@code ai.onnx.proto.OnnxMl} (tribuo-util-onnx): a fake detector with a
 * dynamic or fixed batch, a model whose input is not an image, and copies of real models with edited metadata.
 */
public final class OnnxModels {
    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    private static final int INT64 = TensorProto.DataType.INT64_VALUE;

    private OnnxModels() {
    }

    /**
     * A fake anchor-free detector: {@code images [N, 3, S, S]} is reshaped to {@code output0 [N, 4+nc, 3*S*S/(4+nc)]}
     * and the four box rows are multiplied by {@code S}, so every pixel becomes a box coordinate or a class score.
     * Deterministic and image dependent, so it shows whether batch slots are kept apart.
     *
     * @param batch fixed batch size, or -1 for a dynamic batch axis
     */
    public static Path reshapeDetector(Path file, int batch, int size, int nc) throws IOException {
        int rows = 4 + nc;
        int elements = 3 * size * size;
        if (elements % rows != 0) {
            throw new IllegalArgumentException("3*S*S must be a multiple of 4+nc");
        }
        int anchors = elements / rows;
        float[] scale = new float[rows];
        for (int r = 0; r < rows; r++) {
            scale[r] = r < 4 ? size : 1f;
        }
        GraphProto graph = GraphProto.newBuilder()
                .setName("reshape_detector")
                .addInput(valueInfo("images", FLOAT, batch, 3, size, size))
                .addOutput(valueInfo("output0", FLOAT, batch, rows, anchors))
                .addInitializer(int64s("shape", -1, rows, anchors))
                .addInitializer(floats("scale", new long[] {1, rows, 1}, scale))
                .addNode(node("Reshape", List.of("images", "shape"), "reshaped"))
                .addNode(node("Mul", List.of("reshaped", "scale"), "output0"))
                .build();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("stride", "32");
        meta.put("task", "detect");
        meta.put("batch", String.valueOf(batch));
        meta.put("imgsz", "[" + size + ", " + size + "]");
        StringBuilder names = new StringBuilder("{");
        for (int c = 0; c < nc; c++) {
            names.append(c == 0 ? "" : ", ").append(c).append(": 'c").append(c).append('\'');
        }
        meta.put("names", names.append('}').toString());
        meta.put("end2end", "False");
        return write(file, model(graph, meta));
    }

    /** A model whose only input {@code x} is {@code float[1, 10]} (not an image), passed through to {@code y}. */
    public static Path vectorModel(Path file) throws IOException {
        GraphProto graph = GraphProto.newBuilder()
                .setName("vector")
                .addInput(valueInfo("x", FLOAT, 1, 10))
                .addOutput(valueInfo("y", FLOAT, 1, 10))
                .addNode(node("Identity", List.of("x"), "y"))
                .build();
        return write(file, model(graph, Map.of()));
    }

    /** A copy of {@code source} without any metadata (a "plain" ONNX file, as other exporters write). */
    public static Path withoutMetadata(Path source, Path file) throws IOException {
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(source));
        return write(file, m.toBuilder().clearMetadataProps().build());
    }

    /** A copy of {@code source} with metadata entries replaced or added. */
    public static Path withMetadata(Path source, Path file, Map<String, String> changes) throws IOException {
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(source));
        Map<String, String> meta = new LinkedHashMap<>();
        for (OnnxMl.StringStringEntryProto e : m.getMetadataPropsList()) {
            meta.put(e.getKey(), e.getValue());
        }
        meta.putAll(changes);
        ModelProto.Builder b = m.toBuilder().clearMetadataProps();
        meta.forEach((k, v) -> b.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return write(file, b.build());
    }

    /**
     * A copy of a static-batch Ultralytics export with a dynamic batch axis: the graph input and outputs get a
     * symbolic first dimension, and every {@code Reshape} whose target shape is a {@code Constant} starting with the
     * batch size 1 gets 0 there instead (ONNX: copy that dimension from the input). Enough for Ultralytics' detect
     * heads, whose only batch-dependent constants are those reshape targets.
     */
    public static Path withDynamicBatch(Path source, Path file) throws IOException {
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(source));
        GraphProto.Builder g = m.getGraph().toBuilder();
        Map<String, Integer> constants = new LinkedHashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getOpType().equals("Constant")) {
                constants.put(g.getNode(i).getOutput(0), i);
            }
        }
        for (NodeProto n : g.getNodeList()) {
            Integer c = n.getOpType().equals("Reshape") ? constants.get(n.getInput(1)) : null;
            if (c == null) {
                continue;
            }
            NodeProto.Builder constant = g.getNodeBuilder(c);
            TensorProto t = constant.getAttribute(0).getT();
            java.nio.ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
            if (t.getDataType() != INT64 || raw.remaining() < 8 || raw.getLong(0) != 1) {
                continue;
            }
            java.nio.ByteBuffer patched = java.nio.ByteBuffer.allocate(raw.remaining())
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN).put(raw);
            patched.putLong(0, 0L);
            constant.getAttributeBuilder(0).setT(t.toBuilder().setRawData(
                    com.google.protobuf.ByteString.copyFrom(patched.array())));
        }
        g.setInput(0, dynamicFirstDim(g.getInput(0)));
        for (int i = 0; i < g.getOutputCount(); i++) {
            g.setOutput(i, dynamicFirstDim(g.getOutput(i)));
        }
        g.clearValueInfo();
        return write(file, m.toBuilder().setGraph(g).build());
    }

    private static ValueInfoProto dynamicFirstDim(ValueInfoProto v) {
        ValueInfoProto.Builder b = v.toBuilder();
        b.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().setDim(0,
                TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        return b.build();
    }

    private static ModelProto model(GraphProto graph, Map<String, String> meta) {
        ModelProto.Builder b = ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("peregrine-tests")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(graph);
        meta.forEach((k, v) -> b.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return b.build();
    }

    private static Path write(Path file, ModelProto model) throws IOException {
        Files.write(file, model.toByteArray());
        return file;
    }

    private static ValueInfoProto valueInfo(String name, int type, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(type)
                        .setShape(shape)))
                .build();
    }

    private static NodeProto node(String op, List<String> inputs, String output) {
        return NodeProto.newBuilder().setOpType(op).setName(op + "_" + output).addAllInput(inputs).addOutput(output)
                .build();
    }

    private static TensorProto int64s(String name, long... values) {
        List<Long> list = new ArrayList<>();
        for (long v : values) {
            list.add(v);
        }
        return TensorProto.newBuilder().setName(name).setDataType(INT64).addDims(values.length).addAllInt64Data(list)
                .build();
    }

    private static TensorProto floats(String name, long[] dims, float... values) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(FLOAT);
        for (long d : dims) {
            b.addDims(d);
        }
        for (float v : values) {
            b.addFloatData(v);
        }
        return b.build();
    }
}
