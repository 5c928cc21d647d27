package dev.peregrine.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.PeregrineException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ultralytics {@code predict} output saved as JSON ({@code predictions.json} of the trained fixture): the settings
 * used and, per image file, the detections as {@code {xyxy: [x1, y1, x2, y2], conf, cls}} in original-image pixels.
 *
 * @param options    the conf / iou / max_det the reference was made with (Ultralytics defaults when absent)
 * @param detections per image file name, in file order
 */
public record ReferencePredictions(DetectOptions options, Map<String, List<Detection>> detections) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ReferencePredictions {
        detections = Collections.unmodifiableMap(new LinkedHashMap<>(detections));
    }

    /**
     * Reads a reference file.
     *
     * @throws PeregrineException NOT_FOUND for a missing file, BAD_INPUT when it does not have the layout above
     */
    public static ReferencePredictions read(Path file) throws PeregrineException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (java.io.FileNotFoundException e) {
            throw PeregrineException.notFound("reference predictions not found: " + file);
        } catch (IOException e) {
            throw PeregrineException.badInput("cannot read reference predictions " + file + ": " + e.getMessage());
        }
        JsonNode images = root.path("images");
        if (!images.isArray()) {
            throw PeregrineException.badInput(file + " has no 'images' array (expected Ultralytics predictions as "
                    + "{settings, images: [{file, detections: [{xyxy, conf, cls}]}]})");
        }
        JsonNode s = root.path("settings");
        DetectOptions defaults = DetectOptions.defaults();
        DetectOptions options = new DetectOptions((float) s.path("conf").asDouble(defaults.conf()),
                (float) s.path("iou").asDouble(defaults.iou()), s.path("max_det").asInt(defaults.maxDet()), null,
                s.path("agnostic_nms").asBoolean(false), false);
        Map<String, List<Detection>> out = new LinkedHashMap<>();
        for (JsonNode img : images) {
            String name = Path.of(img.path("file").asText()).getFileName().toString();
            List<Detection> dets = new ArrayList<>();
            for (JsonNode d : img.path("detections")) {
                JsonNode b = d.path("xyxy");
                if (b.size() != 4) {
                    throw PeregrineException.badInput(file + ": a detection of " + name + " has no xyxy box");
                }
                dets.add(new Detection((float) b.get(0).asDouble(), (float) b.get(1).asDouble(),
                        (float) b.get(2).asDouble(), (float) b.get(3).asDouble(), (float) d.path("conf").asDouble(),
                        d.path("cls").asInt()));
            }
            out.put(name, dets);
        }
        return new ReferencePredictions(options, out);
    }
}
