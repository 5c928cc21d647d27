package dev.peregrine.engines.trt;

import dev.peregrine.engines.Device;
import dev.peregrine.engines.Engine;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.EngineProvider;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.nio.file.Files;
import java.util.Locale;

/**
 * Loads Peregrine TensorRT engine files ({@code .engine}: a {@link EngineFileHeader} followed by a TensorRT plan)
 * on a CUDA device.
 *
 * <p>Registered with {@link java.util.ServiceLoader}. This class and everything it touches before
 * {@link TrtNatives#backend()} succeeds are pure Java, so the provider loads, answers {@link #accepts} and fails
 * {@link #create} with a clear UNAVAILABLE message on machines and builds without TensorRT.
 */
public final class TrtEngineProvider implements EngineProvider {

    /** Supplies the native backend; the default probes the class path once (see {@link TrtNatives}). */
    @FunctionalInterface
    interface BackendSource {
        TrtBackend get() throws PeregrineException;
    }

    private final BackendSource backends;

    /** The provider ServiceLoader instantiates. */
    public TrtEngineProvider() {
        this(TrtNatives::backend);
    }

    TrtEngineProvider(BackendSource backends) {
        this.backends = backends;
    }

    @Override
    public String name() {
        return "tensorrt";
    }

    /** Accepts {@code .engine} files with no options or {@link TrtOptions}, on any device (create explains CPU). */
    @Override
    public boolean accepts(EngineConfig config) {
        String file = config.model().getFileName().toString().toLowerCase(Locale.ROOT);
        return file.endsWith(".engine") && (config.options() == null || config.options() instanceof TrtOptions);
    }

    @Override
    public Engine create(EngineConfig config) throws PeregrineException {
        TrtOptions options = config.options() == null ? TrtOptions.defaults() : (TrtOptions) config.options();
        if (!Files.isRegularFile(config.model())) {
            throw PeregrineException.notFound("engine file not found: " + config.model());
        }
        EngineFile file = EngineFileHeader.read(config.model());
        Device device = config.device();
        if (device.kind() != Device.Kind.CUDA) {
            throw new PeregrineException(ErrorCode.UNAVAILABLE, config.model().getFileName()
                    + " is a TensorRT engine and runs only on a CUDA device (got --device " + device
                    + "): pass --device cuda:0, or run " + file.header().build().sourceModel() + " on the CPU (--device cpu).");
        }
        TrtBackend backend = backends.get();
        int count = backend.deviceCount();
        if (device.index() >= count) {
            throw new PeregrineException(ErrorCode.UNAVAILABLE, "CUDA device " + device.index()
                    + " does not exist: this machine has " + count + " (cuda:0" + (count > 1 ? "..cuda:" + (count - 1) : "") + ")");
        }
        file.header().checkRunnableOn(backend.target(device.index()), options.allowOtherGpuModel(), config.model());
        return backend.open(file, config, options);
    }
}
