package dev.peregrine.engines.trt;

import static org.bytedeco.tensorrt.global.nvinfer.getInferLibVersion;

import dev.peregrine.engines.PeregrineException;

/** Facts about the loaded TensorRT library. Native: only use after {@link TrtNatives} found TensorRT. */
public final class TrtLibrary {
    private TrtLibrary() {
    }

    /** The version of the loaded {@code libnvinfer} (not of the Java bindings). */
    public static TrtVersion version() {
        return TrtVersion.fromLibraryCode(getInferLibVersion());
    }

    /** This machine's TensorRT version and the GPU model of {@code device}. */
    public static BuildTarget target(int device) throws PeregrineException {
        return new BuildTarget(version(), Cuda.identity(device));
    }
}
