package dev.peregrine.engines.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.peregrine.engines.Detection;
import org.junit.jupiter.api.Test;

/** Ultralytics LetterBox(auto=False, scaleup=True, center=True) geometry and the mapping back. */
class LetterboxGeometryTest {

    @Test
    void busAt160IsResizedTo120x160WithTwentyPixelsLeftAndRight() {
        LetterboxGeometry g = LetterboxGeometry.of(810, 1080, 160, 160);
        assertThat(g.newWidth()).isEqualTo(120);
        assertThat(g.newHeight()).isEqualTo(160);
        assertThat(g.padLeft()).isEqualTo(20);
        assertThat(g.padRight()).isEqualTo(20);
        assertThat(g.padTop()).isZero();
        assertThat(g.padBottom()).isZero();
        assertThat(g.scale()).isCloseTo(160f / 1080f, within(1e-7f));
        assertThat(g.resizes()).isTrue();
    }

    @Test
    void busAt640IsResizedTo480x640WithEightyPixelsEachSide() {
        LetterboxGeometry g = LetterboxGeometry.of(810, 1080, 640, 640);
        assertThat(g.newWidth()).isEqualTo(480);
        assertThat(g.newHeight()).isEqualTo(640);
        assertThat(g.padLeft()).isEqualTo(80);
        assertThat(g.padRight()).isEqualTo(80);
        assertThat(g.padTop()).isZero();
    }

    @Test
    void oddPaddingPutsTheExtraPixelBottomAndRight() {
        // r = min(64/51, 64/100) = 0.64; height round(32.64) = 33; dh = 15.5 -> top round(15.4) = 15, bottom 16.
        LetterboxGeometry g = LetterboxGeometry.of(100, 51, 64, 64);
        assertThat(g.newWidth()).isEqualTo(64);
        assertThat(g.newHeight()).isEqualTo(33);
        assertThat(g.padTop()).isEqualTo(15);
        assertThat(g.padBottom()).isEqualTo(16);
        // The same horizontally: 51x100 -> 33x64, 15 px left, 16 px right.
        LetterboxGeometry t = LetterboxGeometry.of(51, 100, 64, 64);
        assertThat(t.padLeft()).isEqualTo(15);
        assertThat(t.padRight()).isEqualTo(16);
    }

    @Test
    void sizesRoundHalfToEvenLikePython() {
        // r = min(2/4, 10/5) = 0.5: width 5*0.5 = 2.5 -> Python round() gives 2 (half-up would give 3).
        LetterboxGeometry g = LetterboxGeometry.of(5, 4, 10, 2);
        assertThat(g.newWidth()).isEqualTo(2);
        assertThat(g.newHeight()).isEqualTo(2);
        assertThat(g.padLeft()).isEqualTo(4);
        assertThat(g.padRight()).isEqualTo(4);
        // 7*0.5 = 3.5 -> 4 (half to even rounds up here).
        LetterboxGeometry h = LetterboxGeometry.of(7, 4, 10, 2);
        assertThat(h.newWidth()).isEqualTo(4);
        assertThat(h.padLeft()).isEqualTo(3);
        assertThat(h.padRight()).isEqualTo(3);
    }

    @Test
    void rectangularInputOf384x640() {
        // Portrait bus into a landscape 640 wide, 384 high input: height limits, r = 384/1080.
        LetterboxGeometry bus = LetterboxGeometry.of(810, 1080, 640, 384);
        assertThat(bus.newWidth()).isEqualTo(288);
        assertThat(bus.newHeight()).isEqualTo(384);
        assertThat(bus.padLeft()).isEqualTo(176);
        assertThat(bus.padRight()).isEqualTo(176);
        assertThat(bus.padTop()).isZero();
        // Landscape 1280x720: width limits, r = 0.5, 640x360 with 12 rows above and below.
        LetterboxGeometry wide = LetterboxGeometry.of(1280, 720, 640, 384);
        assertThat(wide.scale()).isEqualTo(0.5f);
        assertThat(wide.newWidth()).isEqualTo(640);
        assertThat(wide.newHeight()).isEqualTo(360);
        assertThat(wide.padTop()).isEqualTo(12);
        assertThat(wide.padBottom()).isEqualTo(12);
        assertThat(wide.padLeft()).isZero();
    }

    @Test
    void smallImagesAreScaledUpAndSameSizeImagesAreNotResized() {
        LetterboxGeometry up = LetterboxGeometry.of(100, 50, 640, 640);
        assertThat(up.scale()).isEqualTo(6.4f);
        assertThat(up.newWidth()).isEqualTo(640);
        assertThat(up.newHeight()).isEqualTo(320);
        assertThat(up.padTop()).isEqualTo(160);
        LetterboxGeometry same = LetterboxGeometry.of(640, 480, 640, 640);
        assertThat(same.resizes()).isFalse();
        assertThat(same.padTop()).isEqualTo(80);
    }

    @Test
    void nonPositiveSizesAreRefused() {
        assertThatThrownBy(() -> LetterboxGeometry.of(0, 10, 640, 640))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x10");
        assertThatThrownBy(() -> LetterboxGeometry.of(10, 10, 640, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mapBackInvertsTheLetterbox() {
        LetterboxGeometry g = LetterboxGeometry.of(810, 1080, 640, 384);
        float[][] boxes = {{10f, 20f, 300f, 700f}, {0f, 0f, 810f, 1080f}, {405.5f, 12.25f, 406f, 1000f}};
        for (float[] b : boxes) {
            Detection inInput = new Detection(b[0] * g.scale() + g.padLeft(), b[1] * g.scale() + g.padTop(),
                    b[2] * g.scale() + g.padLeft(), b[3] * g.scale() + g.padTop(), 0.5f, 3);
            Detection back = g.toOriginal(inInput);
            assertThat(back.x1()).isCloseTo(b[0], within(1e-3f));
            assertThat(back.y1()).isCloseTo(b[1], within(1e-3f));
            assertThat(back.x2()).isCloseTo(b[2], within(1e-3f));
            assertThat(back.y2()).isCloseTo(b[3], within(1e-3f));
            float[] p = g.toOriginalPoint(inInput.x1(), inInput.y1());
            assertThat(p[0]).isCloseTo(b[0], within(1e-3f));
            assertThat(p[1]).isCloseTo(b[1], within(1e-3f));
        }
    }

    @Test
    void mapBackSubtractsPaddingDividesByScaleAndClips() {
        LetterboxGeometry g = LetterboxGeometry.of(810, 1080, 640, 640); // scale 640/1080, 80 px left
        Detection.Extra extra = new Detection.Extra() { };
        Detection d = g.toOriginal(new Detection(80f + 64f, 32f, 700f, 700f, 0.75f, 5, extra));
        assertThat(d.x1()).isCloseTo(64f * 1080f / 640f, within(1e-3f));
        assertThat(d.y1()).isCloseTo(32f * 1080f / 640f, within(1e-3f));
        assertThat(d.x2()).isEqualTo(810f); // (700 - 80) / scale = 1046 clipped to the width
        assertThat(d.y2()).isEqualTo(1080f); // 700 / scale = 1181 clipped to the height
        assertThat(d.score()).isEqualTo(0.75f);
        assertThat(d.classId()).isEqualTo(5);
        assertThat(d.extra()).isSameAs(extra);

        Detection left = g.toOriginal(new Detection(10f, -4f, 90f, 20f, 0.5f, 0));
        assertThat(left.x1()).isZero();
        assertThat(left.y1()).isZero();
        // Points are not clipped: padding maps to negative x.
        assertThat(g.toOriginalPoint(0f, 0f)[0]).isCloseTo(-80f * 1080f / 640f, within(1e-3f));
    }
}
