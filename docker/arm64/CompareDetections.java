import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Compares two {@code peregrine predict --json} files: the reference (x86-64) and a candidate (arm64 under qemu).
 * Run with the source launcher, Jackson on the class path:
 * {@code java -cp "server/target/lib/*" docker/arm64/CompareDetections.java reference.json candidate.json}.
 *
 * <p>The files must list the same images (by file name, in the same order) with the same size and the same number of
 * detections. Each reference detection is paired with the unused candidate detection of the same class whose box
 * is closest (largest IoU), so that two near-equal scores listed in another order still pair up; the pair must agree
 * within {@link #BOX_TOLERANCE_PX} per coordinate and {@link #SCORE_TOLERANCE} in score. Prints one line per pair and
 * the largest differences; exits 0 when everything agrees, 1 otherwise, 2 on unreadable input.
 */
public final class CompareDetections {
    /**
     * Largest coordinate difference accepted, in original-image pixels. ONNX Runtime's x86-64 and aarch64 kernels
     * sum in different orders (AVX2 vs NEON), so boxes differ by float rounding: about 1e-4 px on the demo model.
     */
    static final double BOX_TOLERANCE_PX = 0.05;
    /** Largest score difference accepted (observed: a few 1e-7). */
    static final double SCORE_TOLERANCE = 1e-4;

    private CompareDetections() {
    }

    /**
     * Entry point.
     *
     * @param args the reference JSON file and the candidate JSON file
     */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: CompareDetections REFERENCE.json CANDIDATE.json");
            System.exit(2);
        }
        JsonNode reference;
        JsonNode candidate;
        try {
            ObjectMapper mapper = new ObjectMapper();
            reference = mapper.readTree(new File(args[0]));
            candidate = mapper.readTree(new File(args[1]));
        } catch (IOException e) {
            System.err.println("compare: cannot read detections: " + e.getMessage());
            System.exit(2);
            return;
        }
        List<String> problems = new ArrayList<>();
        Stats stats = new Stats();
        compareImages(reference.path("images"), candidate.path("images"), problems, stats);
        System.out.printf(Locale.ROOT, "compare: %d images, %d detections; largest box difference %.2e px, "
                + "largest score difference %.2e (tolerances %.2g px, %.1e)%n", stats.images, stats.detections,
                stats.maxBox, stats.maxScore, BOX_TOLERANCE_PX, SCORE_TOLERANCE);
        if (!problems.isEmpty()) {
            problems.forEach(p -> System.out.println("compare: MISMATCH " + p));
            System.exit(1);
        }
        System.out.println("compare: detections match");
    }

    private static void compareImages(JsonNode ref, JsonNode cand, List<String> problems, Stats stats) {
        if (!ref.isArray() || ref.isEmpty()) {
            problems.add("the reference lists no images");
            return;
        }
        if (ref.size() != cand.size()) {
            problems.add("image count: reference " + ref.size() + ", candidate " + cand.size());
            return;
        }
        for (int i = 0; i < ref.size(); i++) {
            JsonNode r = ref.get(i);
            JsonNode c = cand.get(i);
            String name = new File(r.path("file").asText()).getName();
            if (!name.equals(new File(c.path("file").asText()).getName())) {
                problems.add("image " + i + ": reference " + name + ", candidate " + c.path("file").asText());
                continue;
            }
            if (r.path("width").asInt() != c.path("width").asInt()
                    || r.path("height").asInt() != c.path("height").asInt()) {
                problems.add(name + ": image size differs");
                continue;
            }
            stats.images++;
            compareDetections(name, r.path("detections"), c.path("detections"), problems, stats);
        }
    }

    private static void compareDetections(String image, JsonNode ref, JsonNode cand, List<String> problems,
            Stats stats) {
        if (ref.size() != cand.size()) {
            problems.add(image + ": reference has " + ref.size() + " detections, candidate " + cand.size());
            return;
        }
        boolean[] used = new boolean[cand.size()];
        for (JsonNode r : ref) {
            int best = -1;
            double bestIou = -1;
            for (int j = 0; j < cand.size(); j++) {
                JsonNode c = cand.get(j);
                if (used[j] || c.path("cls").asInt() != r.path("cls").asInt()) {
                    continue;
                }
                double iou = iou(box(r), box(c));
                if (iou > bestIou) {
                    bestIou = iou;
                    best = j;
                }
            }
            String label = image + " " + r.path("name").asText() + " " + r.path("xyxy");
            if (best < 0) {
                problems.add(label + ": no candidate detection of class " + r.path("cls").asInt());
                continue;
            }
            used[best] = true;
            JsonNode c = cand.get(best);
            double boxDiff = maxAbsDiff(box(r), box(c));
            double scoreDiff = Math.abs(r.path("conf").asDouble() - c.path("conf").asDouble());
            stats.detections++;
            stats.maxBox = Math.max(stats.maxBox, boxDiff);
            stats.maxScore = Math.max(stats.maxScore, scoreDiff);
            System.out.printf(Locale.ROOT, "compare: %s %-8s conf %.6f vs %.6f, box diff %.2e px%n", image,
                    r.path("name").asText(), r.path("conf").asDouble(), c.path("conf").asDouble(), boxDiff);
            if (boxDiff > BOX_TOLERANCE_PX || scoreDiff > SCORE_TOLERANCE) {
                problems.add(label + " vs " + c.path("xyxy") + ", conf " + r.path("conf").asDouble() + " vs "
                        + c.path("conf").asDouble());
            }
        }
    }

    private static double[] box(JsonNode detection) {
        JsonNode xyxy = detection.path("xyxy");
        return new double[] {xyxy.path(0).asDouble(), xyxy.path(1).asDouble(), xyxy.path(2).asDouble(),
                xyxy.path(3).asDouble()};
    }

    private static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static double iou(double[] a, double[] b) {
        double w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
        double h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
        double inter = w * h;
        double union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /** Running totals for the summary line. */
    private static final class Stats {
        int images;
        int detections;
        double maxBox;
        double maxScore;
    }
}
