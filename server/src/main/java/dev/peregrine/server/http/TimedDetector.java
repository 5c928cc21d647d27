package dev.peregrine.server.http;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.Detector;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.PreparedImage;
import dev.peregrine.server.model.ModelArtifact;
import dev.peregrine.server.model.ModelLoader;
import dev.peregrine.server.model.ModelSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decorates a {@link Detector} so that each prepared image records when its batch ran ({@link TimedImage}); the
 * detect response reports queue and inference time from it. Wrap the model loader with {@link #wrap(ModelLoader)}.
 */
public final class TimedDetector implements Detector {
    private final Detector delegate;

    private TimedDetector(Detector delegate) {
        this.delegate = delegate;
    }

    /** A loader whose detectors are timed; engine descriptions still come from the wrapped detectors. */
    public static ModelLoader wrap(ModelLoader loader) {
        return new ModelLoader() {
            @Override
            public Detector load(ModelSpec spec) throws PeregrineException {
                return new TimedDetector(loader.load(spec));
            }

            @Override
            public String engineDescription(ModelSpec spec, Detector detector) {
                return loader.engineDescription(spec, detector instanceof TimedDetector t ? t.delegate : detector);
            }

            @Override
            public Optional<ModelArtifact> artifact(ModelSpec spec) {
                return loader.artifact(spec);
            }
        };
    }

    @Override
    public ModelInfo info() {
        return delegate.info();
    }

    @Override
    public int maxBatch() {
        return delegate.maxBatch();
    }

    @Override
    public PreparedImage prepare(byte[] encoded) throws PeregrineException {
        return new TimedImage(delegate.prepare(encoded));
    }

    @Override
    public PreparedImage prepare(ByteBuffer encoded) throws PeregrineException {
        return new TimedImage(delegate.prepare(encoded));
    }

    @Override
    public List<List<Detection>> detect(List<? extends PreparedImage> images, DetectOptions options)
            throws PeregrineException {
        List<PreparedImage> inner = new ArrayList<>(images.size());
        for (PreparedImage p : images) {
            inner.add(p instanceof TimedImage t ? t.delegate() : p);
        }
        long start = System.nanoTime();
        List<List<Detection>> out = delegate.detect(inner, options);
        long end = System.nanoTime();
        for (PreparedImage p : images) {
            if (p instanceof TimedImage t) {
                t.stamp(start, end, images.size());
            }
        }
        return out;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
