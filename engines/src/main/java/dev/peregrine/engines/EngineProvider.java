package dev.peregrine.engines;

/**
 * Creates engines of one kind (ONNX Runtime, TensorRT). Implementations are discovered with
 * {@link java.util.ServiceLoader} from {@code META-INF/services/dev.peregrine.engines.EngineProvider}.
 */
public interface EngineProvider {

    /** Short stable name, e.g. {@code onnxruntime} or {@code tensorrt}. */
    String name();

    /** True when this provider can load {@code config} (file type, device, option type). Cheap; loads nothing. */
    boolean accepts(EngineConfig config);

    /**
     * Loads the model.
     *
     * @throws PeregrineException NOT_FOUND for a missing file, UNAVAILABLE when the device or native library is
     *                            absent (the message says what is missing and suggests {@code --device cpu}),
     *                            BAD_INPUT / UNSUPPORTED for a model that is not a YOLO image model
     */
    Engine create(EngineConfig config) throws PeregrineException;
}
