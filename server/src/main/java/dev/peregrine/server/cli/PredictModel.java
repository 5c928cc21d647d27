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
import java.util.ArrayList;
import java.util.List;

/**
 * The model behind {@code peregrine predict}: a {@link YoloDetector} (detect, segment, pose, OBB) or a
 * {@link YoloClassifier}, chosen by the model's task, with one {@link ImagePrediction} per image.
 */
interface PredictModel extends AutoCloseable {

    /** Opens the model file and wraps its engine in the detector or classifier its task needs. */
    static PredictModel open(EngineConfig config, DetectOptions options) throws PeregrineException {
        Engine engine = Engines.open(config);
        if (engine.info().task() == Task.CLASSIFY) {
            YoloClassifier classifier = YoloClassifier.wrap(engine, YoloDetector.DEFAULT_MAX_PIXELS);
            return new Classifier(classifier);
        }
        return new Detector(YoloDetector.wrap(engine, YoloDetector.DEFAULT_MAX_PIXELS), options);
    }

    /** Model metadata. */
    ModelInfo info();

    /** Engine and execution provider. */
    String engineDescription();

    /** Runs one image through so that one-time costs are paid before timing. */
    void warmUp() throws PeregrineException;

    /** Decodes and prepares one image (letterbox, or resize and centre crop). */
    ModelInputImage prepare(byte[] encoded) throws PeregrineException;

    /** Runs the prepared images; one result per image, in order. */
    List<ImagePrediction> predict(List<ModelInputImage> images) throws PeregrineException;

    /** Closes the engine. */
    @Override
    void close();

    /** Detection, segmentation, pose and OBB models. */
    final class Detector implements PredictModel {
        private final YoloDetector detector;
        private final DetectOptions options;

        Detector(YoloDetector detector, DetectOptions options) {
            this.detector = detector;
            this.options = options;
        }

        @Override
        public ModelInfo info() {
            return detector.info();
        }

        @Override
        public String engineDescription() {
            return detector.engineDescription();
        }

        @Override
        public void warmUp() throws PeregrineException {
            detector.warmUp();
        }

        @Override
        public ModelInputImage prepare(byte[] encoded) throws PeregrineException {
            return detector.prepare(encoded);
        }

        @Override
        public List<ImagePrediction> predict(List<ModelInputImage> images) throws PeregrineException {
            List<ImagePrediction> out = new ArrayList<>(images.size());
            detector.detect(images, options).forEach(d -> out.add(new ImagePrediction.Detections(d)));
            return out;
        }

        @Override
        public void close() {
            detector.close();
        }
    }

    /** Classification models: the top {@link YoloClassifier#TOP_K} classes. */
    final class Classifier implements PredictModel {
        private final YoloClassifier classifier;

        Classifier(YoloClassifier classifier) {
            this.classifier = classifier;
        }

        @Override
        public ModelInfo info() {
            return classifier.info();
        }

        @Override
        public String engineDescription() {
            return classifier.engineDescription();
        }

        @Override
        public void warmUp() throws PeregrineException {
            classifier.warmUp();
        }

        @Override
        public ModelInputImage prepare(byte[] encoded) throws PeregrineException {
            return classifier.prepare(encoded);
        }

        @Override
        public List<ImagePrediction> predict(List<ModelInputImage> images) throws PeregrineException {
            List<ImagePrediction> out = new ArrayList<>(images.size());
            classifier.classify(images, YoloClassifier.TOP_K).forEach(c -> out.add(new ImagePrediction.Classes(c)));
            return out;
        }

        @Override
        public void close() {
            classifier.close();
        }
    }
}
