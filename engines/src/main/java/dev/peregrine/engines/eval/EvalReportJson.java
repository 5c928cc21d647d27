package dev.peregrine.engines.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.io.IOException;
import java.nio.file.Path;

/** An {@link EvalReport} as JSON: Ultralytics-style figures, per-class rows and pycocotools-style figures. */
public final class EvalReportJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private EvalReportJson() {
    }

    /** The report as a JSON object; callers may add fields (model, settings, speed) before writing it. */
    public static ObjectNode toJson(EvalReport r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("images", r.images());
        root.put("instances", r.instances());
        root.put("predictions", r.predictions());
        UltralyticsMetrics u = r.ultralytics();
        figures(root.putObject("metrics"), u.precision(), u.recall(), u.map50(), u.map75(), u.map())
                .put("fitness", u.fitness());
        ArrayNode classes = root.putArray("classes");
        for (ClassMetrics c : u.classes()) {
            ObjectNode o = classes.addObject();
            o.put("class", c.classId());
            o.put("name", c.name());
            o.put("images", c.images());
            o.put("instances", c.instances());
            figures(o, c.precision(), c.recall(), c.ap50(), c.ap75(), c.ap5095());
        }
        CocoMetrics c = r.coco();
        ObjectNode coco = root.putObject("coco");
        coco.put("mAP50-95", c.map());
        coco.put("mAP50", c.map50());
        coco.put("mAP75", c.map75());
        coco.put("mAP_small", c.mapSmall());
        coco.put("mAP_medium", c.mapMedium());
        coco.put("mAP_large", c.mapLarge());
        coco.put("AR100", c.ar100());
        ArrayNode cc = coco.putArray("classes");
        for (CocoMetrics.CocoClassAp a : c.classes()) {
            cc.addObject().put("name", a.name()).put("mAP50-95", a.ap()).put("mAP50", a.ap50());
        }
        return root;
    }

    /** Puts the figures the overall and the per-class rows share, in Ultralytics' column order; returns {@code o}. */
    private static ObjectNode figures(ObjectNode o, double precision, double recall, double map50, double map75,
                                      double map5095) {
        return o.put("precision", precision).put("recall", recall).put("mAP50", map50).put("mAP75", map75)
                .put("mAP50-95", map5095);
    }

    /** Writes {@code json} to {@code file}, indented. */
    public static void write(Path file, ObjectNode json) throws PeregrineException {
        try {
            JSON.writeValue(file.toFile(), json);
        } catch (IOException e) {
            throw new PeregrineException(ErrorCode.BAD_INPUT, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
