package dev.peregrine.engines.eval;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.Detector;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.PreparedImage;
import dev.peregrine.engines.image.LetterboxedImage;
import dev.peregrine.engines.pipeline.YoloDetector;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link Detector} over a labelled data set and scores it with {@link MapEvaluator}: Peregrine's
 * equivalent of Ultralytics {@code val}. Images are decoded and letterboxed by the detector, sent in chunks of
 * {@code batch}, and released after each chunk, so memory stays bounded whatever the set's size. Boxes of a
 * {@link YoloDetector} are moved back by {@link PredictPadCorrection} before scoring.
 */
public final class DetectorValidator {
    private DetectorValidator() {
    }

    /** Progress per finished image. */
    @FunctionalInterface
    public interface Listener {
        /** Ignores progress. */
        Listener NONE = n -> { };

        /** {@code n} more images are done. */
        void imagesDone(int n);
    }

    /**
     * Outcome of a validation run.
     *
     * @param report      the metrics
     * @param predictions predictions per image id, in original-image pixels (for COCO results JSON)
     * @param prepareMs   total decode + letterbox time
     * @param detectMs    total inference + decoding + NMS time
     */
    public record Result(EvalReport report, Map<String, List<Prediction>> predictions, double prepareMs,
                         double detectMs) {
    }

    /**
     * Validates {@code detector} on {@code data}.
     *
     * @param batch images per detect call (the detector splits further to its own maximum)
     * @throws PeregrineException BAD_INPUT naming the image that cannot be read or decoded
     */
    public static Result run(Detector detector, EvalDataset data, DetectOptions options, int batch,
                             Listener listener) throws PeregrineException {
        if (batch < 1) {
            throw PeregrineException.badInput("batch must be >= 1, got " + batch);
        }
        Listener progress = listener == null ? Listener.NONE : listener;
        MapEvaluator evaluator = new MapEvaluator(data.names());
        Map<String, List<Prediction>> predictions = new LinkedHashMap<>();
        double prepareMs = 0;
        double detectMs = 0;
        List<EvalImage> images = data.images();
        for (int start = 0; start < images.size(); start += batch) {
            List<EvalImage> chunk = images.subList(start, Math.min(images.size(), start + batch));
            List<PreparedImage> prepared = new ArrayList<>(chunk.size());
            try {
                long t0 = System.nanoTime();
                for (EvalImage img : chunk) {
                    prepared.add(prepare(detector, img));
                }
                long t1 = System.nanoTime();
                List<List<Detection>> results = detector.detect(prepared, options);
                long t2 = System.nanoTime();
                prepareMs += (t1 - t0) / 1e6;
                detectMs += (t2 - t1) / 1e6;
                boolean correct = detector instanceof YoloDetector;
                for (int i = 0; i < chunk.size(); i++) {
                    PredictPadCorrection fix = correct && prepared.get(i) instanceof LetterboxedImage lb
                            ? PredictPadCorrection.of(lb.geometry()) : null;
                    List<Prediction> preds = new ArrayList<>(results.get(i).size());
                    for (Detection d : results.get(i)) {
                        preds.add(Prediction.of(fix == null || fix.isIdentity() ? d : fix.apply(d)));
                    }
                    evaluator.add(chunk.get(i), preds);
                    predictions.put(chunk.get(i).id(), preds);
                }
            } finally {
                prepared.forEach(PreparedImage::close);
            }
            progress.imagesDone(chunk.size());
        }
        return new Result(evaluator.evaluate(), predictions, prepareMs, detectMs);
    }

    private static PreparedImage prepare(Detector detector, EvalImage img) throws PeregrineException {
        if (img.file() == null) {
            throw PeregrineException.badInput("image " + img.id() + " has no file to validate on");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(img.file());
        } catch (IOException e) {
            throw new PeregrineException(ErrorCode.BAD_INPUT, "cannot read " + img.file() + ": " + e.getMessage(), e);
        }
        try {
            return detector.prepare(bytes);
        } catch (PeregrineException e) {
            throw new PeregrineException(e.code(), img.file() + ": " + e.getMessage(), e);
        }
    }
}
