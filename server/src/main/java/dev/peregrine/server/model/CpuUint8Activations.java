package dev.peregrine.server.model;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.peregrine.engines.Device;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.exporter.precision.ActivationQuantization;
import dev.peregrine.exporter.precision.OnnxFiles;
import dev.peregrine.exporter.precision.PrecisionPasses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chooses the ONNX file to open for a model on a device. INT8 Q/DQ models with int8 activations (the portable form
 * {@code peregrine export --precision int8} writes, which TensorRT needs) run slower than float32 on ONNX Runtime's
 * x86 CPU provider, which fuses only uint8-activation Q/DQ groups into its integer kernels; on the CPU such a model
 * is therefore converted once with {@link PrecisionPasses#int8ActivationsToUint8} (the same values, zero point 128
 * instead of 0) and the converted file, kept in the {@link ExportCache} under the source's content hash, is opened.
 * Every other model, and every model on a CUDA device, is opened from its own file, untouched.
 */
final class CpuUint8Activations {
    private static final Logger log = LoggerFactory.getLogger(CpuUint8Activations.class);

    /** Marks converted files in the cache directory. */
    static final String TAG = "-uint8act";
    /** Part of the cache key: a new build of the pass gets new entries. */
    private static final String SETTINGS = "int8ActivationsToUint8 " + ExporterBuild.id();

    private final ExportCache cache;
    private final boolean enabled;
    /** Cache entries of files found to need no conversion, so that further instances do not parse them again. */
    private final Set<Path> asIs = ConcurrentHashMap.newKeySet();

    /**
     * @param cache   where converted files are kept
     * @param enabled false serves every file as it is ({@code serve --no-cpu-uint8-activations})
     */
    CpuUint8Activations(ExportCache cache, boolean enabled) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.enabled = enabled;
    }

    /**
     * The file to open for {@code onnx} on {@code device}: its cached uint8-activation form for an int8-activation
     * Q/DQ model on the CPU (converted now when not cached yet), else {@code onnx} itself.
     *
     * @throws PeregrineException NOT_FOUND when {@code onnx} cannot be read; ENGINE_FAILURE when the cache cannot
     *                            be written
     */
    Path fileFor(Path onnx, Device device) throws PeregrineException {
        if (!enabled || device.kind() != Device.Kind.CPU) {
            return onnx;
        }
        Path target = cache.entryFor(onnx, TAG, SETTINGS);
        if (asIs.contains(target)) {
            return onnx;
        }
        if (Files.isRegularFile(target)) {
            log.info("{}: serving its uint8-activation form {} (cached) on the CPU; --no-cpu-uint8-activations "
                    + "serves it as is", onnx.getFileName(), target);
            return target;
        }
        ModelProto model;
        try {
            model = OnnxFiles.read(onnx);
        } catch (PeregrineException e) {
            // not for this class to report: opening the file gives the engine's own message
            asIs.add(target);
            return onnx;
        }
        ActivationQuantization kind = PrecisionPasses.activationQuantization(model);
        if (kind != ActivationQuantization.INT8) {
            if (kind == ActivationQuantization.INT8_NOT_CONVERTIBLE) {
                log.info("{}: int8 Q/DQ activations in a form the uint8 conversion does not cover; served as is "
                        + "(slower than uint8 activations on the CPU)", onnx.getFileName());
            }
            asIs.add(target);
            return onnx;
        }
        long start = System.nanoTime();
        ModelProto uint8 = PrecisionPasses.int8ActivationsToUint8(model);
        cache.write(target, tmp -> OnnxFiles.write(uint8, tmp));
        log.info("{}: converted int8 Q/DQ activations to uint8 for ONNX Runtime's CPU integer kernels in {} ms "
                + "(cached as {}; --no-cpu-uint8-activations serves it as is)", onnx.getFileName(),
                (System.nanoTime() - start) / 1_000_000, target);
        return target;
    }
}
