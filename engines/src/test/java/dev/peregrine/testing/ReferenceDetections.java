package dev.peregrine.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.engines.Detection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reference detections from the fixtures' {@code predict.json} / {@code predictions.json} files and a tolerant
 * matcher against Peregrine's {@link Detection}s: same count, and every reference box matched one-to-one with a
 * detection of the same class, IoU at least {@code minIou} and score within {@code maxScoreDiff}.
 */
public final class ReferenceDetections {
    private ReferenceDetections() {
    }

    /**
     * Reads a JSON array of {@code {xyxy: [..], conf, cls, name}} objects. OBB references carry corners
     * ({@code xyxyxyxy}) instead of a box: their box is the box around the corners, as Peregrine's OBB detections.
     */
    public static List<Detection> parse(JsonNode array) {
        List<Detection> out = new ArrayList<>();
        for (JsonNode d : array) {
            float conf = (float) d.get("conf").asDouble();
            int cls = d.get("cls").asInt();
            JsonNode b = d.get("xyxy");
            if (b == null && d.has("xyxyxyxy")) {
                float x1 = Float.MAX_VALUE;
                float y1 = Float.MAX_VALUE;
                float x2 = -Float.MAX_VALUE;
                float y2 = -Float.MAX_VALUE;
                for (JsonNode p : d.get("xyxyxyxy")) {
                    x1 = Math.min(x1, (float) p.get(0).asDouble());
                    x2 = Math.max(x2, (float) p.get(0).asDouble());
                    y1 = Math.min(y1, (float) p.get(1).asDouble());
                    y2 = Math.max(y2, (float) p.get(1).asDouble());
                }
                out.add(new Detection(x1, y1, x2, y2, conf, cls));
                continue;
            }
            out.add(new Detection((float) b.get(0).asDouble(), (float) b.get(1).asDouble(), (float) b.get(2).asDouble(),
                    (float) b.get(3).asDouble(), conf, cls));
        }
        return out;
    }

    /**
     * Outcome of a successful match: the worst IoU over pairs matched by IoU, the largest score difference over
     * all pairs, how many degenerate pairs matched coordinate-wise instead, and for each reference detection the
     * index of its partner in the actual list (to compare task payloads pair by pair).
     */
    public record Match(int count, double worstIou, double worstScoreDiff, int matchedByCoordinates, int[] partners) {
    }

    /**
     * Matches {@code actual} against {@code expected}; throws {@link AssertionError} naming the first reference box
     * without a partner, or a count difference. Two boxes match when their IoU is at least {@code minIou}, or, for
     * degenerate boxes (a box clipped to zero width at the image border, a sliver one pixel wide) whose IoU says
     * little, when every coordinate is within {@code maxCoordDiff} pixels.
     *
     * @param what label for messages (model and image)
     */
    public static Match match(String what, List<Detection> expected, List<Detection> actual, double minIou,
            double maxScoreDiff, double maxCoordDiff) {
        boolean[] used = new boolean[actual.size()];
        int[] partners = new int[expected.size()];
        int index = 0;
        double worstIou = 1;
        double worstDiff = 0;
        int byCoordinates = 0;
        for (Detection e : expected) {
            int bestIdx = -1;
            double bestIou = -1;
            for (int i = 0; i < actual.size(); i++) {
                Detection a = actual.get(i);
                if (used[i] || a.classId() != e.classId() || Math.abs(a.score() - e.score()) > maxScoreDiff) {
                    continue;
                }
                double iou = a.iou(e);
                if (iou < minIou && maxCoordDiff(a, e) <= maxCoordDiff) {
                    iou = minIou; // degenerate box that matches coordinate by coordinate
                }
                if (iou > bestIou) {
                    bestIou = iou;
                    bestIdx = i;
                }
            }
            if (bestIdx < 0 || bestIou < minIou) {
                throw new AssertionError(String.format(Locale.ROOT,
                        "%s: reference %s has no partner (best IoU %.4f%s); nearest: %s", what, e, bestIou,
                        bestIdx < 0 ? ", no same-class box within the score tolerance" : "", nearest(e, actual)));
            }
            used[bestIdx] = true;
            partners[index++] = bestIdx;
            double realIou = actual.get(bestIdx).iou(e);
            if (realIou >= minIou) {
                worstIou = Math.min(worstIou, realIou);
            } else {
                byCoordinates++;
            }
            worstDiff = Math.max(worstDiff, Math.abs(actual.get(bestIdx).score() - e.score()));
        }
        if (actual.size() != expected.size()) {
            List<Detection> extra = new ArrayList<>();
            for (int i = 0; i < actual.size(); i++) {
                if (!used[i]) {
                    extra.add(actual.get(i));
                }
            }
            throw new AssertionError(what + ": " + actual.size() + " detections, reference has " + expected.size()
                    + "; unmatched: " + extra);
        }
        return new Match(expected.size(), worstIou, worstDiff, byCoordinates, partners);
    }

    private static double maxCoordDiff(Detection a, Detection b) {
        return Math.max(Math.max(Math.abs(a.x1() - b.x1()), Math.abs(a.y1() - b.y1())),
                Math.max(Math.abs(a.x2() - b.x2()), Math.abs(a.y2() - b.y2())));
    }

    private static Detection nearest(Detection e, List<Detection> actual) {
        Detection best = null;
        for (Detection a : actual) {
            if (best == null || maxCoordDiff(a, e) < maxCoordDiff(best, e)) {
                best = a;
            }
        }
        return best;
    }
}
