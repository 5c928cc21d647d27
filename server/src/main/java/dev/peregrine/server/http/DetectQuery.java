package dev.peregrine.server.http;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import io.vertx.core.MultiMap;
import java.util.Set;

/**
 * The settings of one detect request, from its query string (Ultralytics names and defaults):
 * {@code conf} [0, 1] (0.25), {@code iou} [0, 1] (0.7), {@code max_det} &ge; 1 (300), {@code classes} (ids of the
 * model's classes, comma-separated or repeated), {@code agnostic} (false), and {@code annotate} (false: JSON;
 * true: annotated JPEG). {@code timeout_ms} is read by {@link RequestTimeouts}.
 *
 * @param options  post-processing settings
 * @param annotate answer with the annotated JPEG instead of JSON
 */
public record DetectQuery(DetectOptions options, boolean annotate) {
    /** Largest {@code max_det} accepted; far above any YOLO anchor count, it only guards against absurd values. */
    public static final int MAX_DET_LIMIT = 100_000;
    private static final Set<String> KNOWN =
            Set.of("conf", "iou", "max_det", "classes", "agnostic", "annotate", RequestTimeouts.QUERY);

    /**
     * Parses and validates the query of a request for {@code model}.
     *
     * @param query  the query parameters
     * @param accept the {@code Accept} header, or null; {@code image/jpeg} first asks for the annotated image
     * @param model  the model, whose class count bounds {@code classes}
     * @throws PeregrineException BAD_INPUT naming the offending parameter
     */
    public static DetectQuery parse(MultiMap query, String accept, ModelInfo model) throws PeregrineException {
        QueryValues q = new QueryValues(query);
        q.requireOnly(KNOWN);
        DetectOptions d = DetectOptions.defaults();
        float conf = q.floatIn("conf", 0f, 1f, d.conf());
        float iou = q.floatIn("iou", 0f, 1f, d.iou());
        int maxDet = (int) q.longIn("max_det", 1, MAX_DET_LIMIT, d.maxDet());
        int[] classes = model.classCount() == 0 ? null : q.intList("classes", 0, model.classCount() - 1);
        boolean agnostic = q.bool("agnostic", false);
        boolean annotate = q.bool("annotate", wantsJpeg(accept));
        return new DetectQuery(new DetectOptions(conf, iou, maxDet, classes, agnostic, false), annotate);
    }

    /** True when the first media range of {@code Accept} is {@code image/jpeg}. */
    static boolean wantsJpeg(String accept) {
        if (accept == null) {
            return false;
        }
        String first = accept.split(",", 2)[0];
        int semi = first.indexOf(';');
        return (semi < 0 ? first : first.substring(0, semi)).trim().equalsIgnoreCase("image/jpeg");
    }
}
