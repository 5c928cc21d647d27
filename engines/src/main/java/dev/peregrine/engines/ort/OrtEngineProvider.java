package dev.peregrine.engines.ort;

import dev.peregrine.engines.Engine;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.EngineProvider;
import dev.peregrine.engines.PeregrineException;
import java.util.Locale;

/**
 * {@link EngineProvider} for ONNX Runtime: accepts {@code .onnx} files with no options or {@link OrtOptions}, on the
 * CPU or a CUDA device (the CUDA / TensorRT execution providers need the {@code onnxruntime_gpu} build; without it
 * {@link #create} fails with UNAVAILABLE). Registered for {@link java.util.ServiceLoader}.
 */
public final class OrtEngineProvider implements EngineProvider {

    /** Provider name used in logs and errors. */
    public static final String NAME = "onnxruntime";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean accepts(EngineConfig config) {
        Object options = config.options();
        return config.model().getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")
                && (options == null || options instanceof OrtOptions);
    }

    @Override
    public Engine create(EngineConfig config) throws PeregrineException {
        return OrtEngine.open(config);
    }
}
