package dev.peregrine.bench.run;

import dev.peregrine.engines.ModelInfo;
import java.nio.file.Path;
import java.util.List;

/**
 * What a {@link Peer} gets to run: the same ONNX file, model facts and images as Peregrine.
 *
 * @param onnx    the FP32 ONNX model Peregrine measured (dynamic batch when exported from a .pt)
 * @param info    model facts (class names, input size)
 * @param images  the images to cycle through
 * @param threads ONNX Runtime intra-op threads, as Peregrine's
 */
public record PeerContext(Path onnx, ModelInfo info, List<EncodedImage> images, int threads) {
    public PeerContext {
        images = List.copyOf(images);
    }
}
