package dev.peregrine.engines.decode;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.EngineOutputs;
import dev.peregrine.engines.PeregrineException;
import java.util.List;

/**
 * Turns the raw outputs of one output layout into detections. One implementation per layout (anchor-free
 * {@code [B, 4+nc+extra, N]}, end-to-end {@code [B, K, 6+extra]}); task payloads (masks, keypoints, angles) plug in
 * through {@link DetectionExtras} rather than subclasses.
 *
 * <p>Instances keep scratch arrays between calls and are therefore not thread-safe: one decoder per engine
 * instance, used by its inference thread.
 */
public interface HeadDecoder {

    /**
     * Decodes image {@code image} of a batch.
     *
     * @param outputs the engine outputs of the batch
     * @param image   index of the image in the batch
     * @param options thresholds and filters with Ultralytics' meaning
     * @return detections in model-input (letterboxed) pixels, highest score first
     * @throws PeregrineException ENGINE_FAILURE when the outputs do not have the layout this decoder reads
     */
    List<Detection> decode(EngineOutputs outputs, int image, DetectOptions options) throws PeregrineException;
}
