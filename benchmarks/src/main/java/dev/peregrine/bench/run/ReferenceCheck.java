package dev.peregrine.bench.run;

import dev.peregrine.bench.report.Agreement;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.PeregrineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares a pipeline's detections with {@link ReferencePredictions} on the reference's images, found by file name
 * under the benchmark's image source.
 */
public final class ReferenceCheck {
    /** Detects one encoded image with the reference's settings. */
    @FunctionalInterface
    public interface Pipeline {
        /** Detections in original-image pixels. */
        List<Detection> detect(byte[] encoded) throws Exception;
    }

    private final ReferencePredictions reference;
    private final Map<String, Path> files = new HashMap<>();

    /**
     * @param reference   the reference predictions
     * @param imageSource the directory (or file) the benchmark images come from
     */
    public ReferenceCheck(ReferencePredictions reference, Path imageSource) throws PeregrineException {
        this.reference = reference;
        for (Path p : BenchImages.files(imageSource)) {
            files.putIfAbsent(p.getFileName().toString(), p);
        }
    }

    /** The reference being compared with. */
    public ReferencePredictions reference() {
        return reference;
    }

    /**
     * Runs {@code pipeline} on every reference image that exists under the image source.
     *
     * @param subject name for the report
     * @param note    remark to record (adjustments made to the pipeline), may be empty
     */
    public Agreement check(String subject, String note, Pipeline pipeline) {
        int images = 0;
        int refs = 0;
        int dets = 0;
        int matched = 0;
        for (var e : reference.detections().entrySet()) {
            Path file = files.get(e.getKey());
            if (file == null) {
                continue;
            }
            List<Detection> actual;
            try {
                actual = pipeline.detect(Files.readAllBytes(file));
            } catch (IOException ex) {
                return new Agreement(subject, images, refs, dets, matched, "cannot read " + file + ": "
                        + ex.getMessage());
            } catch (Exception | LinkageError ex) {
                return new Agreement(subject, images, refs, dets, matched, join(note, "failed on " + e.getKey()
                        + ": " + ex));
            }
            images++;
            refs += e.getValue().size();
            dets += actual.size();
            matched += DetectionMatcher.matched(e.getValue(), actual);
        }
        if (images == 0) {
            return new Agreement(subject, 0, 0, 0, 0, join(note, "none of the reference's images is under the "
                    + "image source"));
        }
        return new Agreement(subject, images, refs, dets, matched, note);
    }

    private static String join(String a, String b) {
        return a == null || a.isEmpty() ? b : a + "; " + b;
    }
}
