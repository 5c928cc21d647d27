package dev.peregrine.exporter.precision;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading and writing ONNX model files with clear errors. */
public final class OnnxFiles {
    private OnnxFiles() {
    }

    /**
     * Reads an ONNX model.
     *
     * @throws PeregrineException NOT_FOUND for a missing file, BAD_INPUT when it is not an ONNX model with a graph
     */
    public static ModelProto read(Path file) throws PeregrineException {
        if (!Files.isRegularFile(file)) {
            throw PeregrineException.notFound("model file not found: " + file);
        }
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new PeregrineException(ErrorCode.BAD_INPUT, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses serialized ONNX bytes; {@code what} names the source in errors. */
    public static ModelProto parse(byte[] bytes, String what) throws PeregrineException {
        ModelProto m;
        try {
            m = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new PeregrineException(ErrorCode.BAD_INPUT, what + " is not an ONNX model: " + e.getMessage(), e);
        }
        if (!m.hasGraph() || m.getGraph().getNodeCount() == 0) {
            throw PeregrineException.badInput(what + " is not an ONNX model (no graph nodes)");
        }
        return m;
    }

    /** Writes {@code model} to {@code file} (via a temporary file, so a failed write leaves no half file). */
    public static void write(ModelProto model, Path file) throws PeregrineException {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                Files.write(tmp, model.toByteArray());
                Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new PeregrineException(ErrorCode.BAD_INPUT, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
