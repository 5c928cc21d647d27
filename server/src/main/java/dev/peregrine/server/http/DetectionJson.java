package dev.peregrine.server.http;

import dev.peregrine.engines.Detection;
import dev.peregrine.engines.ModelInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The JSON answer of {@code POST /v1/models/{name}/detect}:
 * <pre>{@code
 * {"model": "shapes",
 *  "images": [{"width": 640, "height": 480,
 *              "detections": [{"box": {"x1": .., "y1": .., "x2": .., "y2": ..}, "score": 0.91,
 *                              "class_id": 0, "class_name": "circle"}],
 *              "timing_ms": {"queue": .., "preprocess": .., "inference": .., "postprocess": .., "total": ..}}]}
 * }</pre>
 */
final class DetectionJson {
    private DetectionJson() {
    }

    /** The whole answer; {@code images} in request order; timings end now, the exchange began at {@code start}. */
    static JsonObject response(String model, ModelInfo info, List<ImageResult> images, long startNanos) {
        JsonArray out = new JsonArray();
        long now = System.nanoTime();
        for (ImageResult r : images) {
            out.add(image(info, r, r.times(startNanos, now)));
        }
        return new JsonObject().put("model", model).put("images", out);
    }

    static JsonObject image(ModelInfo info, ImageResult r, StageTimes times) {
        JsonArray dets = new JsonArray();
        for (Detection d : r.detections()) {
            dets.add(detection(info, d));
        }
        return new JsonObject()
                .put("width", r.width())
                .put("height", r.height())
                .put("detections", dets)
                .put("timing_ms", times.toJson());
    }

    static JsonObject detection(ModelInfo info, Detection d) {
        return new JsonObject()
                .put("box", new JsonObject().put("x1", d.x1()).put("y1", d.y1()).put("x2", d.x2()).put("y2", d.y2()))
                .put("score", d.score())
                .put("class_id", d.classId())
                .put("class_name", info.className(d.classId()));
    }
}
