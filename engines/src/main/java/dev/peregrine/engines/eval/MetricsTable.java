package dev.peregrine.engines.eval;

import java.util.Locale;

/** Formats an {@link EvalReport} as the console table Ultralytics prints, plus pycocotools' summary lines. */
public final class MetricsTable {
    private MetricsTable() {
    }

    /** The Ultralytics-style table: one "all" row and one row per class with labels. */
    public static String ultralytics(EvalReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%22s%11s%11s%11s%11s%11s%11s%n", "Class", "Images", "Instances",
                "Box(P", "R", "mAP50", "mAP50-95)"));
        UltralyticsMetrics u = r.ultralytics();
        sb.append(row("all", r.images(), r.instances(), u.precision(), u.recall(), u.map50(), u.map()));
        for (ClassMetrics c : u.classes()) {
            sb.append(row(c.name(), c.images(), c.instances(), c.precision(), c.recall(), c.ap50(), c.ap5095()));
        }
        return sb.toString();
    }

    /** pycocotools' headline AP/AR lines (area all unless stated, maxDets 100). */
    public static String coco(EvalReport r) {
        CocoMetrics c = r.coco();
        StringBuilder sb = new StringBuilder();
        sb.append(coco("Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]", c.map()));
        sb.append(coco("Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ]", c.map50()));
        sb.append(coco("Average Precision  (AP) @[ IoU=0.75      | area=   all | maxDets=100 ]", c.map75()));
        sb.append(coco("Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ]", c.mapSmall()));
        sb.append(coco("Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ]", c.mapMedium()));
        sb.append(coco("Average Precision  (AP) @[ IoU=0.50:0.95 | area= large | maxDets=100 ]", c.mapLarge()));
        sb.append(coco("Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]", c.ar100()));
        return sb.toString();
    }

    /** Both blocks. */
    public static String format(EvalReport r) {
        return ultralytics(r) + coco(r);
    }

    private static String row(String name, int images, int instances, double p, double rc, double m50, double m) {
        return String.format(Locale.ROOT, "%22s%11d%11d%11.3f%11.3f%11.3f%11.3f%n", name, images, instances, p, rc,
                m50, m);
    }

    private static String coco(String label, double v) {
        return String.format(Locale.ROOT, " %s = %.3f%n", label, v);
    }
}
