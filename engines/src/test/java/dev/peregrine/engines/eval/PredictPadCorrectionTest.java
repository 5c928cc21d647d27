package dev.peregrine.engines.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.peregrine.engines.Detection;
import dev.peregrine.engines.image.LetterboxGeometry;
import org.junit.jupiter.api.Test;

/** The one-pixel padding difference between Ultralytics' letterbox and its predict-time box mapping. */
class PredictPadCorrectionTest {

    @Test
    void movesBoxesDownByOneInputPixelFor345x240At320() {
        LetterboxGeometry g = LetterboxGeometry.of(345, 240, 320, 320);
        assertThat(g.padTop()).isEqualTo(48); // the letterbox pads 48 rows; scale_boxes subtracts 49
        PredictPadCorrection c = PredictPadCorrection.of(g);
        assertThat(c.isIdentity()).isFalse();
        Detection d = c.apply(new Detection(10, 20, 30, 40, 0.9f, 2));
        float step = 345f / 320f; // one input pixel in original pixels
        assertThat(d.y1()).isCloseTo(20 + step, within(1e-4f));
        assertThat(d.y2()).isCloseTo(40 + step, within(1e-4f));
        assertThat(d.x1()).isEqualTo(10f);
        assertThat(c.apply(new Detection(0, 230, 10, 240, 0.9f, 0)).y2()).isEqualTo(240f); // clipped
    }

    @Test
    void leavesBoxesAloneWhenBothPaddingsAgree() {
        assertThat(PredictPadCorrection.of(LetterboxGeometry.of(640, 480, 320, 320)).isIdentity()).isTrue();
    }
}
