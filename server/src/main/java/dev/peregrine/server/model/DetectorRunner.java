package dev.peregrine.server.model;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.Detector;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.PreparedImage;
import dev.peregrine.server.batch.BatchRunner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a batch of detection requests on one detector (one engine instance).
 *
 * <p>{@link Detector#detect} applies one set of options to a whole batch, while requests may ask for different
 * thresholds or classes. Requests with equal options (the common case: the defaults) share one call; a batch
 * that mixes options is split into one call per distinct options, in first-seen order. Post-processing results are
 * then exact for every request, at the price of smaller engine batches when clients mix options.
 */
final class DetectorRunner implements BatchRunner<DetectItem, List<Detection>> {
    private final Detector detector;

    DetectorRunner(Detector detector) {
        this.detector = detector;
    }

    @Override
    public List<List<Detection>> run(List<DetectItem> batch) throws PeregrineException {
        DetectOptions first = batch.get(0).options();
        boolean uniform = batch.stream().allMatch(i -> i.options().equals(first));
        if (uniform) {
            return detector.detect(batch.stream().map(DetectItem::image).toList(), first);
        }
        Map<DetectOptions, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            groups.computeIfAbsent(batch.get(i).options(), k -> new ArrayList<>()).add(i);
        }
        @SuppressWarnings("unchecked")
        List<Detection>[] out = new List[batch.size()];
        for (Map.Entry<DetectOptions, List<Integer>> g : groups.entrySet()) {
            List<PreparedImage> images = g.getValue().stream().map(i -> batch.get(i).image()).toList();
            List<List<Detection>> results = detector.detect(images, g.getKey());
            if (results.size() != images.size()) {
                throw new PeregrineException(dev.peregrine.engines.ErrorCode.ENGINE_FAILURE, "detector returned "
                        + results.size() + " results for " + images.size() + " images");
            }
            for (int k = 0; k < images.size(); k++) {
                out[g.getValue().get(k)] = results.get(k);
            }
        }
        return Arrays.asList(out);
    }
}
