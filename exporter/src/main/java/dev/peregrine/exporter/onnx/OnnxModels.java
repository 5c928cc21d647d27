package dev.peregrine.exporter.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/** Wraps a graph into an ONNX model (IR version, opset import, producer, metadata) and writes it to disk. */
public final class OnnxModels {
    /** Lowest default-domain opset the exporter emits (Split/Unsqueeze take their sizes/axes as inputs from 13 on). */
    public static final int MIN_OPSET = 13;
    /** Highest default-domain opset the exporter emits (ONNX Runtime 1.23 runs up to 23). */
    public static final int MAX_OPSET = 22;
    /** Opset Ultralytics uses with torch 1.13, and our default. */
    public static final int DEFAULT_OPSET = 17;
    /** Producer name written into every model. */
    public static final String PRODUCER = "peregrine";

    private OnnxModels() {
    }

    /**
     * The IR version released together with {@code opset} (ONNX 1.12/1.13: IR 8 for opsets up to 18; 1.14/1.15:
     * IR 9 for 19-20; 1.16/1.17: IR 10 for 21-22). Writing the oldest compatible IR keeps older runtimes happy.
     */
    public static long irVersionFor(int opset) {
        if (opset <= 18) {
            return 8;
        }
        return opset <= 20 ? 9 : 10;
    }

    /**
     * Assembles a model.
     *
     * @param metadata {@code metadata_props} in the order they should appear
     */
    public static ModelProto assemble(GraphProto graph, int opset, String producerVersion,
            Map<String, String> metadata) {
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(irVersionFor(opset))
                .setProducerName(PRODUCER)
                .setProducerVersion(producerVersion)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph);
        metadata.forEach((k, v) -> m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build();
    }

    /**
     * Writes {@code model} to {@code path} through a temporary file in the same folder, so that a reader never sees a
     * half-written model and a failed write leaves no partial file behind.
     *
     * @return the number of bytes written
     */
    public static long write(ModelProto model, Path path) throws PeregrineException {
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, abs.getFileName().toString(), ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                model.writeTo(out);
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return Files.size(abs);
        } catch (IOException e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure is what the caller needs to see
                }
            }
            throw new PeregrineException(ErrorCode.BAD_INPUT, "cannot write ONNX file " + abs + ": " + e.getMessage(),
                    e);
        }
    }
}
