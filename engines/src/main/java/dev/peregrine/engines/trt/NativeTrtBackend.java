package dev.peregrine.engines.trt;

import dev.peregrine.engines.Engine;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.PeregrineException;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.tensorrt.global.nvinfer;

/**
 * The native {@link TrtBackend}: instantiated by name from {@link TrtNatives} only after the bindings were found.
 * Its constructor loads the CUDA and TensorRT native libraries, so it fails with a {@link LinkageError} where they
 * are missing, which the probe reports as UNAVAILABLE.
 */
final class NativeTrtBackend implements TrtBackend {
    private final int deviceCount;

    /**
     * Loads the natives and counts devices.
     *
     * @throws PeregrineException when the CUDA runtime answers with an error (no driver, driver too old)
     */
    NativeTrtBackend() throws PeregrineException {
        Loader.load(cudart.class);
        Loader.load(nvinfer.class);
        deviceCount = Cuda.deviceCount();
    }

    @Override
    public int deviceCount() {
        return deviceCount;
    }

    @Override
    public BuildTarget target(int device) throws PeregrineException {
        return TrtLibrary.target(device);
    }

    @Override
    public Engine open(EngineFile file, EngineConfig config, TrtOptions options) throws PeregrineException {
        return TrtEngine.open(file, config, options);
    }
}
