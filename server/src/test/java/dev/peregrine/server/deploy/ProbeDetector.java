package dev.peregrine.server.deploy;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.Detector;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.Precision;
import dev.peregrine.engines.PreparedImage;
import dev.peregrine.testing.StubPreparedImage;
import dev.peregrine.engines.Task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A detector without an engine that finds nothing: enough for the server to load a model, warm it up and answer its
 * health, model and metrics routes, which is all the probe test asks of it.
 */
final class ProbeDetector implements Detector {
    private static final ModelInfo INFO = new ModelInfo(List.of("thing"), Task.DETECT, 64, 64, 32, -1, false, null,
            3, Precision.FP32, "onnx", Map.of());

    @Override
    public ModelInfo info() {
        return INFO;
    }

    @Override
    public int maxBatch() {
        return 4;
    }

    @Override
    public PreparedImage prepare(byte[] encoded) {
        return new StubPreparedImage(64, 64, encoded.length);
    }

    @Override
    public List<List<Detection>> detect(List<? extends PreparedImage> images, DetectOptions options) {
        List<List<Detection>> out = new ArrayList<>();
        images.forEach(i -> out.add(List.of()));
        return out;
    }

    @Override
    public void close() {
        // nothing held
    }
}
