package dev.peregrine.server.cli;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Engine;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.Engines;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Task;
import dev.peregrine.engines.image.ModelInputImage;
import dev.peregrine.engines.pipeline.YoloClassifier;
import dev.peregrine.engines.pipeline.YoloDetector;
import java.util.List;
import java.util.function.Function;

/**
 * The model behind {@code peregrine predict}: a {@link YoloDetector} (detect, segment, pose, OBB) or a
 * {@link YoloClassifier}, chosen by the model's task, with one {@link ImagePrediction} per image.
 *
 * <p>The two pipelines share no interface; what they do alike (warm-up, preparing an image, closing) is held as
 * their method references, and what differs (running images into results) as one function per task.
 */
final class PredictModel implements AutoCloseable {

    /** A pipeline call that may fail with a {@link PeregrineException}. */
    @FunctionalInterface
    private interface Step<T, R> {
        R apply(T input) throws PeregrineException;
    }

    /** The warm-up of a pipeline. */
    @FunctionalInterface
    private interface WarmUp {
        void run() throws PeregrineException;
    }

    private final Engine engine;
    private final WarmUp warmUp;
    private final Step<byte[], ModelInputImage> prepare;
    private final Step<List<ModelInputImage>, List<ImagePrediction>> predict;
    private final Runnable close;

    private PredictModel(Engine engine, WarmUp warmUp, Step<byte[], ModelInputImage> prepare,
            Step<List<ModelInputImage>, List<ImagePrediction>> predict, Runnable close) {
        this.engine = engine;
        this.warmUp = warmUp;
        this.prepare = prepare;
        this.predict = predict;
        this.close = close;
    }

    /** Opens the model file and wraps its engine in the detector or classifier its task needs. */
    static PredictModel open(EngineConfig config, DetectOptions options) throws PeregrineException {
        Engine engine = Engines.open(config);
        if (engine.info().task() == Task.CLASSIFY) {
            YoloClassifier classifier = YoloClassifier.wrap(engine, YoloDetector.DEFAULT_MAX_PIXELS);
            return new PredictModel(engine, classifier::warmUp, classifier::prepare,
                    images -> each(classifier.classify(images, YoloClassifier.TOP_K), ImagePrediction.Classes::new),
                    classifier::close);
        }
        YoloDetector detector = YoloDetector.wrap(engine, YoloDetector.DEFAULT_MAX_PIXELS);
        return new PredictModel(engine, detector::warmUp, detector::prepare,
                images -> each(detector.detect(images, options), ImagePrediction.Detections::new), detector::close);
    }

    private static <T> List<ImagePrediction> each(List<T> results, Function<T, ImagePrediction> wrap) {
        return results.stream().map(wrap).toList();
    }

    /** Model metadata. */
    ModelInfo info() {
        return engine.info();
    }

    /** Engine and execution provider. */
    String engineDescription() {
        return engine.description();
    }

    /** Runs one image through so that one-time costs are paid before timing. */
    void warmUp() throws PeregrineException {
        warmUp.run();
    }

    /** Decodes and prepares one image (letterbox, or resize and centre crop). */
    ModelInputImage prepare(byte[] encoded) throws PeregrineException {
        return prepare.apply(encoded);
    }

    /** Runs the prepared images (detection, or the top {@link YoloClassifier#TOP_K} classes); one result each. */
    List<ImagePrediction> predict(List<ModelInputImage> images) throws PeregrineException {
        return predict.apply(images);
    }

    /** Closes the pipeline and its engine. */
    @Override
    public void close() {
        close.run();
    }
}
