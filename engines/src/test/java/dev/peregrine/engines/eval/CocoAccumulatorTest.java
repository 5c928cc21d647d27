package dev.peregrine.engines.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** pycocotools' matching and accumulation on cases small enough to work out by hand. */
class CocoAccumulatorTest {

    @Test
    void apOfAFalsePositiveBetweenTwoHits() {
        CocoAccumulator acc = new CocoAccumulator(List.of("a"));
        acc.add(List.of(GroundTruth.box(0, 0, 0, 10, 10), GroundTruth.box(0, 50, 50, 60, 60)), List.of(
                new Prediction(0, 0, 0, 10, 10, 0.9),
                new Prediction(0, 100, 100, 110, 110, 0.8),
                new Prediction(0, 50, 50, 60, 60, 0.7)));
        CocoMetrics m = acc.compute();
        // recall 0.5 at precision 1, then recall 1 at precision 2/3: 51 grid points at 1, 50 at 2/3
        double expected = (51 + 50 * 2.0 / 3) / 101;
        assertThat(m.map()).isCloseTo(expected, within(1e-12));
        assertThat(m.map50()).isCloseTo(expected, within(1e-12));
        assertThat(m.ar100()).isCloseTo(1.0, within(1e-12));
        // 10x10 boxes are "small"; there are no medium or large labels
        assertThat(m.mapSmall()).isCloseTo(expected, within(1e-12));
        assertThat(m.mapMedium()).isEqualTo(-1);
        assertThat(m.mapLarge()).isEqualTo(-1);
    }

    @Test
    void detectionsOnACrowdRegionAreIgnoredNotFalsePositives() {
        CocoAccumulator acc = new CocoAccumulator(List.of("a"));
        acc.add(List.of(GroundTruth.box(0, 0, 0, 10, 10), new GroundTruth(0, 100, 100, 200, 200, 10000, true)),
                List.of(new Prediction(0, 120, 120, 140, 140, 0.95), new Prediction(0, 0, 0, 10, 10, 0.9)));
        // the crowd detection has IoU = 400/400 against the crowd (intersection over its own area): ignored
        assertThat(acc.compute().map()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void aClassWithoutLabelsIsLeftOutOfTheMean() {
        CocoAccumulator acc = new CocoAccumulator(List.of("a", "b"));
        acc.add(List.of(GroundTruth.box(0, 0, 0, 10, 10)),
                List.of(new Prediction(0, 0, 0, 10, 10, 0.9), new Prediction(1, 30, 30, 40, 40, 0.9)));
        CocoMetrics m = acc.compute();
        assertThat(m.map()).isCloseTo(1.0, within(1e-12));
        assertThat(m.classes()).extracting(CocoMetrics.CocoClassAp::name).containsExactly("a");
    }

    @Test
    void onlyTheHundredBestDetectionsPerImageAndClassCount() {
        CocoAccumulator acc = new CocoAccumulator(List.of("a"));
        List<Prediction> preds = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            preds.add(new Prediction(0, 200 + i, 200, 210 + i, 210, 0.9)); // false positives, higher scores
        }
        preds.add(new Prediction(0, 0, 0, 10, 10, 0.1)); // the hit, 101st by score
        acc.add(List.of(GroundTruth.box(0, 0, 0, 10, 10)), preds);
        assertThat(acc.compute().map()).isZero();
    }
}
