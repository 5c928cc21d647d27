package dev.peregrine.exporter.precision;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;

/** The {@code precision} metadata key Peregrine's model reader takes as the artifact's precision. */
final class Metadata {
    static final String PRECISION = "precision";

    private Metadata() {
    }

    /** {@code model} with {@code precision} set to {@code value} ({@code fp16}, {@code int8}). */
    static ModelProto withPrecision(ModelProto model, String value) {
        ModelProto.Builder b = model.toBuilder().clearMetadataProps();
        for (StringStringEntryProto p : model.getMetadataPropsList()) {
            if (!p.getKey().equals(PRECISION)) {
                b.addMetadataProps(p);
            }
        }
        b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(PRECISION).setValue(value));
        return b.build();
    }
}
