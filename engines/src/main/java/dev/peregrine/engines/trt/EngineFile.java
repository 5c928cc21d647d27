package dev.peregrine.engines.trt;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An engine file whose header has been read and checked; the plan is read on demand.
 *
 * @param path       the file
 * @param header     its header
 * @param planOffset byte offset of the plan in the file
 * @param planLength plan size in bytes
 */
public record EngineFile(Path path, EngineFileHeader header, long planOffset, long planLength) {

    /**
     * Reads the plan into a new direct buffer (native memory TensorRT can deserialize from without a copy).
     *
     * @throws PeregrineException BAD_INPUT when the file changed or cannot be read, UNSUPPORTED for plans over 2 GiB
     */
    public ByteBuffer readPlan() throws PeregrineException {
        if (planLength > Integer.MAX_VALUE) {
            throw PeregrineException.unsupported("engine " + path.getFileName() + " has a " + planLength
                    + "-byte plan; plans over 2 GiB are not supported");
        }
        ByteBuffer plan = ByteBuffer.allocateDirect((int) planLength);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long pos = planOffset;
            while (plan.hasRemaining()) {
                int n = ch.read(plan, pos);
                if (n < 0) {
                    throw PeregrineException.badInput("engine " + path.getFileName() + " is truncated: the plan ends at byte "
                            + pos + " of " + (planOffset + planLength));
                }
                pos += n;
            }
        } catch (IOException e) {
            throw new PeregrineException(ErrorCode.BAD_INPUT, "cannot read engine " + path + ": " + e.getMessage(), e);
        }
        return plan.flip();
    }
}
