package dev.peregrine.engines.eval;

import java.util.List;

/**
 * pycocotools-style bbox figures ({@code COCOeval} with its default parameters: IoU 0.50:0.05:0.95, a 101-point
 * recall grid, at most 100 detections per image and class). Absent figures (no labels in that area range) are -1,
 * as pycocotools prints them.
 *
 * @param map      AP @[.50:.95], area all, maxDets 100 ({@code stats[0]})
 * @param map50    AP @.50
 * @param map75    AP @.75
 * @param mapSmall AP for objects with area below 32²
 * @param mapMedium AP for 32² to 96²
 * @param mapLarge AP above 96²
 * @param ar100    AR @[.50:.95], area all, maxDets 100 ({@code stats[8]})
 * @param classes  AP @[.50:.95] and AP @.50 per category with labels
 */
public record CocoMetrics(double map, double map50, double map75, double mapSmall, double mapMedium,
                          double mapLarge, double ar100, List<CocoClassAp> classes) {

    public CocoMetrics {
        classes = List.copyOf(classes);
    }

    /**
     * COCO AP of one category (area all, maxDets 100).
     *
     * @param classId class index
     * @param name    class name
     * @param ap      AP @[.50:.95]
     * @param ap50    AP @.50
     */
    public record CocoClassAp(int classId, String name, double ap, double ap50) {
    }
}
