package dev.peregrine.engines.trt;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** The binary layout of an engine file (see {@link EngineFileHeader}): magic, version, JSON, plan length, plan. */
final class EngineFileCodec {
    /** Magic, format version and JSON length. */
    static final int PREFIX_BYTES = 12;
    /** A header larger than this is corrupt: real ones are a few KiB (class names included). */
    static final int MAX_JSON_BYTES = 16 << 20;
    private static final byte[] MAGIC = EngineFileHeader.MAGIC.getBytes(StandardCharsets.US_ASCII);

    private EngineFileCodec() {
    }

    static void write(Path file, EngineFileHeader header, ByteBuffer plan) throws PeregrineException {
        byte[] json = HeaderJson.toJson(header);
        ByteBuffer prefix = ByteBuffer.allocate(PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        prefix.put(MAGIC).putInt(header.formatVersion()).putInt(json.length).flip();
        ByteBuffer planLength = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(plan.remaining()).flip();
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            // Write next to the target and rename, so that a crash never leaves a half-written engine behind.
            tmp = Files.createTempFile(dir, file.getFileName().toString(), ".part");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(ch, prefix);
                writeFully(ch, ByteBuffer.wrap(json));
                writeFully(ch, planLength);
                writeFully(ch, plan.duplicate());
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "cannot write engine " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the original error is the one to report
                }
            }
        }
    }

    static EngineFile read(Path file) throws IOException, PeregrineException {
        String name = file.getFileName().toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer prefix = ByteBuffer.allocate(PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            readUpTo(ch, prefix, 0);
            byte[] magic = new byte[4];
            if (prefix.position() >= 4) {
                prefix.get(0, magic);
            }
            if (prefix.position() < 4 || !java.util.Arrays.equals(magic, MAGIC)) {
                throw PeregrineException.badInput(name + " is not a Peregrine engine file (it does not start with '"
                        + EngineFileHeader.MAGIC + "'). Raw TensorRT plans (trtexec, Ultralytics .engine) carry no model "
                        + "metadata: build one with `peregrine export model.onnx --format engine`.");
            }
            if (prefix.position() < PREFIX_BYTES) {
                throw truncated(name, size, PREFIX_BYTES, "the header prefix");
            }
            int version = prefix.getInt(4);
            if (version < 1) {
                throw PeregrineException.badInput(name + ": invalid engine header format version " + version);
            }
            if (version > EngineFileHeader.FORMAT_VERSION) {
                throw PeregrineException.unsupported(name + " uses engine header format " + version
                        + ", newer than this Peregrine reads (" + EngineFileHeader.FORMAT_VERSION + "): upgrade Peregrine or rebuild the engine");
            }
            long jsonLength = Integer.toUnsignedLong(prefix.getInt(8));
            if (jsonLength == 0 || jsonLength > MAX_JSON_BYTES) {
                throw PeregrineException.badInput(name + ": corrupt engine header (JSON length " + jsonLength + ")");
            }
            long planLengthAt = PREFIX_BYTES + jsonLength;
            if (size < planLengthAt + 8) {
                throw truncated(name, size, planLengthAt + 8, "the header");
            }
            ByteBuffer json = ByteBuffer.allocate((int) jsonLength);
            readUpTo(ch, json, PREFIX_BYTES);
            ByteBuffer planLengthBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readUpTo(ch, planLengthBuf, planLengthAt);
            long planLength = planLengthBuf.getLong(0);
            long planOffset = planLengthAt + 8;
            if (planLength <= 0) {
                throw PeregrineException.badInput(name + ": corrupt engine header (plan length " + planLength + ")");
            }
            if (size - planOffset < planLength) {
                throw truncated(name, size, planOffset + planLength, "the plan");
            }
            if (size - planOffset > planLength) {
                throw PeregrineException.badInput(name + ": " + (size - planOffset - planLength)
                        + " unexpected bytes after the plan (corrupt or concatenated file)");
            }
            EngineFileHeader header = HeaderJson.fromJson(json.array(), version, name);
            return new EngineFile(file, header, planOffset, planLength);
        } catch (NoSuchFileException e) {
            throw PeregrineException.notFound("engine file not found: " + file);
        }
    }

    private static PeregrineException truncated(String name, long size, long needed, String what) {
        return PeregrineException.badInput(name + " is truncated: " + size + " bytes, but " + what + " needs "
                + needed + " (copy the engine again or rebuild it)");
    }

    /** Reads into {@code buf} from {@code pos} until it is full or the file ends. */
    private static void readUpTo(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                return;
            }
            pos += n;
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
