package dev.peregrine.engines.decode;

import static dev.peregrine.engines.decode.DecodeTestData.anchorFree;
import static dev.peregrine.engines.decode.DecodeTestData.box;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ultralytics {@code non_max_suppression} semantics on hand-made boxes, through {@link AnchorFreeDecoder}. */
class NmsTest {
    private static final DetectOptions DEFAULTS = DetectOptions.defaults();

    private static List<Detection> decode(int nc, DetectOptions opts, float[]... anchors) throws Exception {
        return AnchorFreeDecoder.detect(nc).decode(anchorFree(nc, anchors), 0, opts);
    }

    @Test
    void confidenceThresholdIsStrict() throws Exception {
        List<Detection> d = decode(1, DEFAULTS,
                box(0, 0, 10, 10, 0.25f),
                box(100, 100, 110, 110, Math.nextUp(0.25f)));
        assertThat(d).hasSize(1);
        assertThat(d.get(0).x1()).isEqualTo(100f);
        assertThat(d.get(0).score()).isEqualTo(Math.nextUp(0.25f));
    }

    @Test
    void classAwareKeepsOverlappingBoxesOfDifferentClassesAgnosticDoesNot() throws Exception {
        float[] a = box(0, 0, 100, 100, 0.9f, 0.1f);
        float[] b = box(5, 5, 100, 100, 0.1f, 0.8f); // IoU 0.9025 with a
        assertThat(decode(2, DEFAULTS, a, b)).extracting(Detection::classId).containsExactly(0, 1);
        DetectOptions agnostic = new DetectOptions(0.25f, 0.7f, 300, null, true, false);
        assertThat(decode(2, agnostic, a, b)).extracting(Detection::classId).containsExactly(0);
    }

    @Test
    void suppressesOnlyWhenIouIsStrictlyAboveThreshold() throws Exception {
        float[] a = box(0, 0, 10, 10, 0.9f);
        float[] b = box(0, 0, 10, 5, 0.8f); // IoU exactly 0.5
        assertThat(decode(1, DEFAULTS.withIou(0.5f), a, b)).hasSize(2);
        assertThat(decode(1, DEFAULTS.withIou(0.49f), a, b)).hasSize(1);
    }

    @Test
    void greedyOrderLetsASuppressedBoxNotSuppressOthers() throws Exception {
        // b overlaps a and c; a suppresses b, so c (which only overlaps b) survives.
        float[] a = box(0, 0, 10, 10, 0.9f);
        float[] b = box(2, 0, 12, 10, 0.8f);
        float[] c = box(4, 0, 14, 10, 0.7f);
        assertThat(decode(1, DEFAULTS.withIou(0.5f), a, b, c)).extracting(Detection::score)
                .containsExactly(0.9f, 0.7f);
    }

    @Test
    void multiLabelYieldsOneCandidatePerClassAboveConf() throws Exception {
        float[] a = box(0, 0, 10, 10, 0.6f, 0.9f, 0.2f);
        DetectOptions multi = new DetectOptions(0.25f, 0.7f, 300, null, false, true);
        List<Detection> d = decode(3, multi, a);
        assertThat(d).extracting(Detection::classId).containsExactly(1, 0);
        assertThat(d).extracting(Detection::score).containsExactly(0.9f, 0.6f);
        assertThat(decode(3, DEFAULTS, a)).extracting(Detection::classId).containsExactly(1);
        // Agnostic multi-label: the two labels of one box suppress each other.
        DetectOptions multiAgnostic = new DetectOptions(0.25f, 0.7f, 300, null, true, true);
        assertThat(decode(3, multiAgnostic, a)).extracting(Detection::classId).containsExactly(1);
    }

    @Test
    void maxDetKeepsTheHighestScores() throws Exception {
        float[][] anchors = new float[6][];
        for (int i = 0; i < anchors.length; i++) {
            anchors[i] = box(i * 20, 0, i * 20 + 10, 10, 0.3f + 0.1f * i);
        }
        List<Detection> d = decode(1, DEFAULTS.withMaxDet(3), anchors);
        assertThat(d).extracting(Detection::x1).containsExactly(100f, 80f, 60f);
    }

    @Test
    void classFilterAppliesToTheBestClass() throws Exception {
        float[] a = box(0, 0, 10, 10, 0.9f, 0.5f);
        float[] b = box(50, 50, 60, 60, 0.1f, 0.6f);
        // Single-label: anchor a's best class is 0, so filtering on class 1 drops it even though its class-1 score
        // is above conf (Ultralytics filters after picking the best class).
        assertThat(decode(2, DEFAULTS.withClasses(new int[] {1}), a, b)).extracting(Detection::x1)
                .containsExactly(50f);
        DetectOptions multi = new DetectOptions(0.25f, 0.7f, 300, new int[] {1}, false, true);
        assertThat(decode(2, multi, a, b)).extracting(Detection::x1).containsExactly(50f, 0f);
    }

    @Test
    void equalScoresKeepAnchorOrder() throws Exception {
        List<Detection> d = decode(1, DEFAULTS,
                box(40, 0, 50, 10, 0.5f),
                box(0, 0, 10, 10, 0.5f),
                box(20, 0, 30, 10, 0.5f));
        assertThat(d).extracting(Detection::x1).containsExactly(40f, 0f, 20f);
    }

    @Test
    void firstMaximumWinsOnTiedClassScores() throws Exception {
        assertThat(decode(3, DEFAULTS, box(0, 0, 10, 10, 0.4f, 0.7f, 0.7f))).extracting(Detection::classId)
                .containsExactly(1);
    }

    @Test
    void boxesAreConvertedFromCentreWidthHeight() throws Exception {
        float[] row = {50f, 40f, 20f, 10f, 0.9f};
        Detection d = decode(1, DEFAULTS, row).get(0);
        assertThat(new float[] {d.x1(), d.y1(), d.x2(), d.y2()}).containsExactly(40f, 35f, 60f, 45f);
    }

    @Test
    void atMostMaxNmsCandidatesEnterNms() throws Exception {
        Nms nms = new Nms();
        int n = Nms.MAX_NMS + 5;
        for (int i = 0; i < n; i++) {
            // Disjoint boxes; score rises with i so the 5 lowest (i < 5) fall outside the cap.
            nms.add(i * 2, 0, i * 2 + 1, 1, 0.3f + i * 1e-5f, 0, i);
        }
        int kept = nms.run(0.7f, false, n);
        assertThat(kept).isEqualTo(Nms.MAX_NMS);
        assertThat(nms.source(nms.kept(0))).isEqualTo(n - 1);
        assertThat(nms.source(nms.kept(kept - 1))).isEqualTo(5);
    }

    @Test
    void descendingKeyOrdersFloatsInReverse() {
        float[] v = {-2f, -0.5f, 0f, 1e-30f, 0.25f, 0.5f, 1f, 100f};
        for (int i = 1; i < v.length; i++) {
            assertThat(RankedNms.descendingKey(v[i])).isLessThan(RankedNms.descendingKey(v[i - 1]));
        }
    }

    @Test
    void scratchIsReusedAcrossCalls() throws Exception {
        AnchorFreeDecoder decoder = AnchorFreeDecoder.detect(1);
        var big = anchorFree(1, box(0, 0, 10, 10, 0.9f), box(20, 0, 30, 10, 0.8f), box(40, 0, 50, 10, 0.7f));
        var small = anchorFree(1, box(0, 0, 10, 10, 0.1f));
        assertThat(decoder.decode(big, 0, DEFAULTS)).hasSize(3);
        assertThat(decoder.decode(small, 0, DEFAULTS)).isEmpty();
        assertThat(decoder.decode(big, 0, DEFAULTS)).hasSize(3);
    }
}
