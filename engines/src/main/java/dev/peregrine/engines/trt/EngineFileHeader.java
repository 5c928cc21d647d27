package dev.peregrine.engines.trt;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The metadata Peregrine writes in front of a TensorRT plan: what model it is, what it was built for and how, and
 * its inputs/outputs. A raw TensorRT plan carries none of that, yet the runtime needs class names and input geometry,
 * and must refuse a plan built for another TensorRT version or GPU with a useful message instead of a TensorRT error.
 *
 * <p>File layout (all integers little-endian), handled by {@link #write} and {@link #read}:
 * <pre>
 *   0   4 bytes  magic "PRGN"
 *   4   uint32   header format version ({@value #FORMAT_VERSION})
 *   8   uint32   JSON length N
 *   12  N bytes  UTF-8 JSON (this record)
 *   12+N uint64  plan length P
 *   20+N P bytes the serialized TensorRT engine
 * </pre>
 *
 * @param formatVersion header format version the file was written with
 * @param model         model metadata (class names, input size, task, precision)
 * @param target        TensorRT version and GPU the plan was built on
 * @param build         build settings
 * @param tensors       inputs and outputs in engine order
 */
public record EngineFileHeader(int formatVersion, ModelInfo model, BuildTarget target, BuildSettings build,
                               List<EngineTensor> tensors) {

    /** The four bytes every Peregrine engine file starts with. */
    public static final String MAGIC = "PRGN";
    /** The header format version this code writes and the newest it reads. */
    public static final int FORMAT_VERSION = 1;

    public EngineFileHeader {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(build, "build");
        tensors = List.copyOf(tensors);
        if (tensors.stream().noneMatch(EngineTensor::input) || tensors.stream().allMatch(EngineTensor::input)) {
            throw new IllegalArgumentException("an engine needs at least one input and one output, got " + tensors);
        }
    }

    /** A header in the current format version. */
    public static EngineFileHeader of(ModelInfo model, BuildTarget target, BuildSettings build, List<EngineTensor> tensors) {
        return new EngineFileHeader(FORMAT_VERSION, model, target, build, tensors);
    }

    /** The inputs, in engine order. */
    public List<EngineTensor> inputs() {
        return tensors.stream().filter(EngineTensor::input).toList();
    }

    /** The outputs, in engine order. */
    public List<EngineTensor> outputs() {
        return tensors.stream().filter(t -> !t.input()).toList();
    }

    /**
     * Checks that this engine can run on {@code here}: same TensorRT version and GPU model (TensorRT plans are bound
     * to both).
     *
     * @param here             the TensorRT version and GPU of this machine
     * @param allowOtherGpuModel accept a GPU with the same compute capability but another name (TensorRT may still
     *                         refuse or run slower)
     * @param file             the engine file, named in the message
     * @throws PeregrineException UNSUPPORTED naming what the engine was built for, what this machine has, and the
     *                            command that rebuilds it here
     */
    public void checkRunnableOn(BuildTarget here, boolean allowOtherGpuModel, Path file) throws PeregrineException {
        BuildTarget built = target;
        boolean versionOk = built.tensorRt().equals(here.tensorRt());
        boolean ccOk = built.gpu().ccMajor() == here.gpu().ccMajor() && built.gpu().ccMinor() == here.gpu().ccMinor();
        boolean modelOk = built.gpu().sameModel(here.gpu()) || (allowOtherGpuModel && ccOk);
        if (versionOk && ccOk && modelOk) {
            return;
        }
        String why = !versionOk ? "TensorRT engines only load with the TensorRT version that built them"
                : "TensorRT engines are tuned for the GPU model that built them";
        throw new PeregrineException(ErrorCode.UNSUPPORTED, "engine " + file.getFileName() + " was built for "
                + built + ", but this machine has " + here + ": " + why + ". Rebuild it on this device with `peregrine export "
                + build.sourceModel() + " --format engine`" + (build.usesDla() ? " --dla " + build.dlaCore() : "")
                + " (or run the .onnx model with ONNX Runtime).");
    }

    /**
     * Writes {@code header} followed by {@code plan} to {@code file} (replacing it atomically via a temporary file).
     *
     * @param plan the serialized engine, from its position to its limit
     * @throws PeregrineException ENGINE_FAILURE when the file cannot be written
     */
    public static void write(Path file, EngineFileHeader header, ByteBuffer plan) throws PeregrineException {
        EngineFileCodec.write(file, header, plan);
    }

    /**
     * Reads and checks the header of {@code file}; the plan itself stays on disk until {@link EngineFile#readPlan()}.
     *
     * @throws PeregrineException NOT_FOUND for a missing file, BAD_INPUT for a file that is not a Peregrine engine,
     *                            is truncated or has a corrupt header, UNSUPPORTED for a newer header format
     */
    public static EngineFile read(Path file) throws PeregrineException {
        try {
            return EngineFileCodec.read(file);
        } catch (IOException e) {
            throw new PeregrineException(ErrorCode.BAD_INPUT, "cannot read engine " + file + ": " + e.getMessage(), e);
        }
    }
}
