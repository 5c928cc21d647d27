package dev.peregrine.exporter.trt;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes small synthetic ONNX models (an Identity graph) for tests of what the builder reads from a model. */
final class TinyOnnx {
    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName("g");
    private final OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder().setIrVersion(8);

    /** A graph with input {@code images} of {@code shape} (-1 = symbolic) and element type {@code elem}. */
    static TinyOnnx withInput(int elem, long... shape) {
        TinyOnnx t = new TinyOnnx();
        t.graph.addInput(value("images", elem, shape));
        t.graph.addOutput(value("output0", elem, shape));
        t.graph.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Identity").addInput("images").addOutput("output0"));
        return t;
    }

    static OnnxMl.ValueInfoProto value(String name, int elem, long... shape) {
        OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
        for (int i = 0; i < shape.length; i++) {
            s.addDim(shape[i] > 0 ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(shape[i])
                    : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("d" + i));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(elem).setShape(s))).build();
    }

    /** Replaces the output with {@code output0} of {@code shape} (e.g. a detect head's {@code [B, 4+nc, N]}). */
    TinyOnnx output(int elem, long... shape) {
        graph.setOutput(0, value("output0", elem, shape));
        return this;
    }

    /** Adds an initializer of element type {@code elem} (also listed as a graph input, as old exporters did). */
    TinyOnnx initializer(String name, int elem) {
        graph.addInitializer(OnnxMl.TensorProto.newBuilder().setName(name).setDataType(elem).addDims(1));
        graph.addInput(value(name, elem, 1));
        return this;
    }

    /** Adds a node of type {@code op}. */
    TinyOnnx node(String op) {
        graph.addNode(OnnxMl.NodeProto.newBuilder().setOpType(op).addInput("images").addOutput(op + "_out"));
        return this;
    }

    /** Adds {@code metadata_props}. */
    TinyOnnx metadata(Map<String, String> meta) {
        meta.forEach((k, v) -> model.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return this;
    }

    /** Ultralytics-like metadata for a detector at {@code size}. */
    TinyOnnx ultralytics(int size) {
        return metadata(Map.of("names", "{0: 'person', 1: \"o'neil\"}", "imgsz", "[" + size + ", " + size + "]",
                "stride", "32", "task", "detect", "batch", "1", "end2end", "False", "channels", "3"));
    }

    Path write(Path file) throws IOException {
        Files.write(file, model.setGraph(graph).build().toByteArray());
        return file;
    }
}
