package dev.peregrine.engines.eval;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.engines.PeregrineException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads COCO {@code instances} JSON (labels) and COCO results JSON (detections), and writes results JSON the
 * way Ultralytics {@code val save_json=True} does.
 */
public final class CocoJson {
    private static final Logger LOG = LoggerFactory.getLogger(CocoJson.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private CocoJson() {
    }

    /**
     * Reads a COCO instances file. Classes are the categories sorted by id; images are sorted by id (numerically
     * when every id is a number), the order pycocotools evaluates them in.
     *
     * @param file     the instances JSON
     * @param imageDir folder holding the {@code file_name}s, or null
     * @throws PeregrineException NOT_FOUND for a missing file, BAD_INPUT for malformed JSON or missing fields
     */
    public static EvalDataset readInstances(Path file, Path imageDir) throws PeregrineException {
        JsonNode root = readTree(file);
        JsonNode cats = array(root, "categories", file);
        JsonNode imgs = array(root, "images", file);
        JsonNode anns = array(root, "annotations", file);

        List<JsonNode> catList = new ArrayList<>();
        cats.forEach(catList::add);
        catList.sort(Comparator.comparingLong(c -> c.path("id").asLong()));
        List<String> names = new ArrayList<>();
        List<Long> catIds = new ArrayList<>();
        for (JsonNode c : catList) {
            require(c, "id", file, "category");
            catIds.add(c.get("id").asLong());
            names.add(c.path("name").asText("class" + c.get("id").asLong()));
        }
        if (names.isEmpty()) {
            throw PeregrineException.badInput(file + ": no categories");
        }

        Map<String, List<GroundTruth>> labels = new HashMap<>();
        int annIndex = 0;
        for (JsonNode a : anns) {
            String where = "annotation #" + annIndex++;
            require(a, "image_id", file, where);
            require(a, "category_id", file, where);
            JsonNode bbox = a.get("bbox");
            if (bbox == null || !bbox.isArray() || bbox.size() != 4) {
                throw PeregrineException.badInput(file + ": " + where + " has no 4-number bbox");
            }
            int cls = catIds.indexOf(a.get("category_id").asLong());
            if (cls < 0) {
                throw PeregrineException.badInput(file + ": " + where + " has unknown category_id "
                        + a.get("category_id").asText());
            }
            double x = bbox.get(0).asDouble();
            double y = bbox.get(1).asDouble();
            double w = bbox.get(2).asDouble();
            double h = bbox.get(3).asDouble();
            if (w < 0 || h < 0) {
                throw PeregrineException.badInput(file + ": " + where + " has a negative box size");
            }
            double area = a.has("area") ? a.get("area").asDouble() : w * h;
            boolean crowd = a.path("iscrowd").asInt(0) != 0;
            labels.computeIfAbsent(a.get("image_id").asText(), k -> new ArrayList<>())
                    .add(new GroundTruth(cls, x, y, x + w, y + h, area, crowd));
        }

        List<EvalImage> images = new ArrayList<>();
        for (JsonNode i : imgs) {
            require(i, "id", file, "image");
            String id = i.get("id").asText();
            String name = i.path("file_name").asText("");
            Path f = imageDir != null && !name.isEmpty() ? imageDir.resolve(name) : null;
            images.add(new EvalImage(id, f, i.path("width").asInt(0), i.path("height").asInt(0),
                    labels.getOrDefault(id, List.of())));
        }
        sortById(images);
        return new EvalDataset(names, catIds, images);
    }

    /**
     * Reads a COCO results list ({@code [{image_id, category_id, bbox: [x, y, w, h], score}, ...]}).
     *
     * @return predictions per image id of {@code dataset}; detections of categories the set lacks are dropped
     *         (pycocotools ignores them too)
     * @throws PeregrineException BAD_INPUT for malformed entries or an {@code image_id} that is not in the set
     */
    public static Map<String, List<Prediction>> readResults(Path file, EvalDataset dataset) throws PeregrineException {
        JsonNode root = readTree(file);
        if (!root.isArray()) {
            throw PeregrineException.badInput(file + ": a COCO results file is a JSON list");
        }
        Map<String, EvalImage> images = dataset.byId();
        Map<String, List<Prediction>> out = new LinkedHashMap<>();
        int dropped = 0;
        int n = 0;
        for (JsonNode r : root) {
            String where = "result #" + n++;
            require(r, "image_id", file, where);
            require(r, "category_id", file, where);
            require(r, "score", file, where);
            JsonNode bbox = r.get("bbox");
            if (bbox == null || !bbox.isArray() || bbox.size() != 4) {
                throw PeregrineException.badInput(file + ": " + where + " has no 4-number bbox");
            }
            String imageId = r.get("image_id").asText();
            if (!images.containsKey(imageId)) {
                throw PeregrineException.badInput(file + ": " + where + " refers to image_id " + imageId
                        + ", which the labels do not contain");
            }
            int cls = dataset.classOfCategory(r.get("category_id").asLong());
            if (cls < 0) {
                dropped++;
                continue;
            }
            double x = bbox.get(0).asDouble();
            double y = bbox.get(1).asDouble();
            out.computeIfAbsent(imageId, k -> new ArrayList<>()).add(new Prediction(cls, x, y,
                    x + bbox.get(2).asDouble(), y + bbox.get(3).asDouble(), r.get("score").asDouble()));
        }
        if (dropped > 0) {
            LOG.warn("{}: ignored {} detections of categories the labels do not have", file, dropped);
        }
        return out;
    }

    /**
     * Writes predictions as a COCO results list the way Ultralytics does: {@code image_id} is the number when the
     * image key is numeric (else the key as a string), {@code category_id} from the set's mapping, box
     * {@code [x, y, w, h]} rounded to 3 decimals, score to 5.
     */
    public static void writeResults(Path file, EvalDataset dataset, Map<String, List<Prediction>> predictions)
            throws PeregrineException {
        try (JsonGenerator g = JSON.getFactory().createGenerator(file.toFile(), JsonEncoding.UTF8)) {
            g.writeStartArray();
            for (EvalImage img : dataset.images()) {
                for (Prediction p : predictions.getOrDefault(img.id(), List.of())) {
                    g.writeStartObject();
                    Long num = img.numericId();
                    if (num != null) {
                        g.writeNumberField("image_id", num);
                    } else {
                        g.writeStringField("image_id", img.id());
                    }
                    if (img.file() != null) {
                        g.writeStringField("file_name", img.file().getFileName().toString());
                    }
                    g.writeNumberField("category_id", dataset.categoryIds().get(p.classId()));
                    g.writeArrayFieldStart("bbox");
                    g.writeNumber(round(p.x1(), 3));
                    g.writeNumber(round(p.y1(), 3));
                    g.writeNumber(round(p.x2() - p.x1(), 3));
                    g.writeNumber(round(p.y2() - p.y1(), 3));
                    g.writeEndArray();
                    g.writeNumberField("score", round(p.score(), 5));
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new PeregrineException(dev.peregrine.engines.ErrorCode.BAD_INPUT,
                    "cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Python's {@code round(v, decimals)}: the exact binary value rounded half-to-even. */
    private static double round(double v, int decimals) {
        return new BigDecimal(v).setScale(decimals, RoundingMode.HALF_EVEN).doubleValue();
    }

    private static void sortById(List<EvalImage> images) {
        boolean numeric = images.stream().allMatch(i -> i.numericId() != null);
        images.sort(numeric ? Comparator.comparingLong(i -> i.numericId()) : Comparator.comparing(EvalImage::id));
    }

    private static JsonNode readTree(Path file) throws PeregrineException {
        if (!Files.isRegularFile(file)) {
            throw PeregrineException.notFound("file not found: " + file);
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new PeregrineException(dev.peregrine.engines.ErrorCode.BAD_INPUT,
                    file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static JsonNode array(JsonNode root, String field, Path file) throws PeregrineException {
        JsonNode n = root.get(field);
        if (n == null || !n.isArray()) {
            throw PeregrineException.badInput(file + " is not a COCO instances file: no '" + field + "' list");
        }
        return n;
    }

    private static void require(JsonNode n, String field, Path file, String where) throws PeregrineException {
        if (n.get(field) == null || n.get(field).isNull()) {
            throw PeregrineException.badInput(file + ": " + where + " has no '" + field + "'");
        }
    }
}
