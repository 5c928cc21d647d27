package dev.peregrine.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares the interface of our ONNX export with Ultralytics' export of the same checkpoint: input and output names,
 * element types and shapes, opset, IR version and {@code metadata_props} (keys, order and values). Test helper shared
 * by the parity tests.
 */
final class UltralyticsInterface {
    private UltralyticsInterface() {
    }

    /** Same input/output names and shapes, opset, IR version and metadata (keys, order and values) as Ultralytics. */
    static void assertSameInterface(Path ours, Path ultralytics) throws Exception {
        ModelProto a = ModelProto.parseFrom(Files.readAllBytes(ours));
        ModelProto b = ModelProto.parseFrom(Files.readAllBytes(ultralytics));
        assertThat(signature(a.getGraph().getInputList())).isEqualTo(signature(b.getGraph().getInputList()));
        assertThat(signature(a.getGraph().getOutputList())).isEqualTo(signature(b.getGraph().getOutputList()));
        assertThat(a.getIrVersion()).isEqualTo(b.getIrVersion());
        assertThat(a.getOpsetImport(0).getVersion()).isEqualTo(b.getOpsetImport(0).getVersion());
        assertThat(metadata(a)).containsExactlyEntriesOf(metadata(b));
    }

    /** One line per value: name, element type, dimensions (values or symbolic names). */
    static List<String> signature(List<ValueInfoProto> values) {
        List<String> out = new ArrayList<>();
        for (ValueInfoProto v : values) {
            StringBuilder sb = new StringBuilder(v.getName()).append(" elem ")
                    .append(v.getType().getTensorType().getElemType());
            for (TensorShapeProto.Dimension d : v.getType().getTensorType().getShape().getDimList()) {
                sb.append(' ').append(d.hasDimValue() ? Long.toString(d.getDimValue()) : d.getDimParam());
            }
            out.add(sb.toString());
        }
        return out;
    }

    /** The model's {@code metadata_props} in file order. */
    static Map<String, String> metadata(ModelProto m) {
        Map<String, String> out = new LinkedHashMap<>();
        for (StringStringEntryProto e : m.getMetadataPropsList()) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }
}
