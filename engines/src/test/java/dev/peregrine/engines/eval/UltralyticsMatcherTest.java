package dev.peregrine.engines.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Ultralytics' greedy matching rules, including its first-prediction-wins quirk. */
class UltralyticsMatcherTest {
    private static final GroundTruth LABEL = GroundTruth.box(0, 0, 0, 10, 10);

    @Test
    void theFirstPredictionWinsAContestedLabelEvenWithALowerIou() {
        Prediction loose = new Prediction(0, 0, 0, 10, 6.2, 0.9); // IoU 0.62
        Prediction tight = new Prediction(0, 0, 0, 10, 9.2, 0.8); // IoU 0.92
        boolean[][] c = UltralyticsMatcher.match(List.of(loose, tight), List.of(LABEL));
        // thresholds 0.50, 0.55, 0.60: both qualify, the first (higher score) takes the label
        assertThat(c[0]).containsExactly(true, true, true, false, false, false, false, false, false, false);
        // 0.65 .. 0.90: only the tight one qualifies; 0.95: nobody
        assertThat(c[1]).containsExactly(false, false, false, true, true, true, true, true, true, false);
    }

    @Test
    void aPredictionOfAnotherClassNeverMatches() {
        boolean[][] c = UltralyticsMatcher.match(List.of(new Prediction(1, 0, 0, 10, 10, 0.9)), List.of(LABEL));
        assertThat(c[0]).containsOnly(false);
    }

    @Test
    void aPredictionClaimsTheLabelItOverlapsMost() {
        GroundTruth left = GroundTruth.box(0, 0, 0, 10, 10);
        GroundTruth shifted = GroundTruth.box(0, 1, 0, 11, 10);
        Prediction p = new Prediction(0, 1, 0, 11, 10, 0.9); // IoU 1 with shifted, 0.818 with left
        Prediction q = new Prediction(0, 0, 0, 10, 10, 0.8); // IoU 1 with left
        boolean[][] c = UltralyticsMatcher.match(List.of(p, q), List.of(left, shifted));
        assertThat(c[0]).containsOnly(true);
        assertThat(c[1]).containsOnly(true);
    }

    @Test
    void iouIsFloat32WithUltralyticsEpsilon() {
        assertThat(UltralyticsMatcher.iou(LABEL, new Prediction(0, 0, 0, 10, 5, 1))).isEqualTo(50f / (100f + 1e-7f));
        assertThat(UltralyticsMatcher.iou(LABEL, new Prediction(0, 20, 20, 30, 30, 1))).isZero();
    }
}
