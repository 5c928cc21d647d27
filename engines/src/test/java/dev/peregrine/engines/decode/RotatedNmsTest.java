package dev.peregrine.engines.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link RotatedNms} and {@link ObbDecoder}: ProbIoU Fast-NMS as Ultralytics' {@code nms_rotated} path. For two
 * equal axis-aligned 10x10 boxes shifted by {@code d}, ProbIoU is {@code 1 - sqrt(1 - exp(-0.015 d^2))}: 0.76 at
 * d = 2 (suppressed at 0.7), 0.54 at d = 4 (kept).
 */
class RotatedNmsTest {
    private final RotatedNms nms = new RotatedNms();

    @Test
    void aSuppressedBoxStillSuppressesLowerOnes() {
        nms.clear();
        nms.add(50, 50, 10, 10, 0, 0.9f, 0, 0);
        nms.add(52, 50, 10, 10, 0, 0.8f, 0, 1);
        nms.add(54, 50, 10, 10, 0, 0.7f, 0, 2);
        // Greedy NMS would keep the third box (its ProbIoU with the first is 0.54); Fast-NMS drops it because the
        // second box, itself suppressed, overlaps it by 0.76.
        assertThat(nms.run(0.7f, false, 300)).isEqualTo(1);
        assertThat(nms.source(nms.kept(0))).isEqualTo(0);

        nms.clear();
        nms.add(50, 50, 10, 10, 0, 0.9f, 0, 0);
        nms.add(54, 50, 10, 10, 0, 0.7f, 0, 2);
        assertThat(nms.run(0.7f, false, 300)).isEqualTo(2);
    }

    @Test
    void theSameRectangleWithSwappedSidesAndAQuarterTurnIsADuplicate() {
        nms.clear();
        nms.add(50, 50, 20, 10, 0, 0.9f, 0, 0);
        nms.add(50, 50, 10, 20, (float) (Math.PI / 2), 0.8f, 0, 1);
        nms.add(50, 50, 20, 10, (float) (Math.PI / 2), 0.7f, 0, 2); // a cross, not the same box
        assertThat(nms.run(0.9f, false, 300)).isEqualTo(2);
        assertThat(nms.source(nms.kept(1))).isEqualTo(2);
    }

    @Test
    void classesAreKeptApartUnlessAgnosticAndMaxDetLimits() {
        nms.clear();
        nms.add(50, 50, 10, 10, 0.3f, 0.9f, 0, 0);
        nms.add(50, 50, 10, 10, 0.3f, 0.8f, 1, 1);
        assertThat(nms.run(0.5f, false, 300)).isEqualTo(2);
        assertThat(nms.run(0.5f, true, 300)).isEqualTo(1);
        assertThat(nms.run(0.5f, false, 1)).isEqualTo(1);
        assertThat(nms.score(nms.kept(0))).isEqualTo(0.9f);
    }

    @Test
    void obbDecoderSelectsMapsAndSuppresses() throws Exception {
        // rows cx, cy, w, h, s0, s1, angle
        var out = DecodeTestData.anchorFree(3,
                new float[] {40, 30, 20, 10, 0.9f, 0.1f, (float) (Math.PI / 2)},
                new float[] {41, 30, 20, 10, 0.8f, 0.1f, (float) (Math.PI / 2)},
                new float[] {80, 80, 8, 4, 0.1f, 0.6f, 0.5f},
                new float[] {10, 10, 8, 4, 0.2f, 0.2f, 0f});
        List<Detection> dets = new ObbDecoder(2).decode(out, 0, DetectOptions.defaults());
        assertThat(dets).hasSize(2);
        OrientedBox first = (OrientedBox) dets.get(0).extra();
        assertThat(first).isEqualTo(new OrientedBox(40, 30, 20, 10, (float) (Math.PI / 2)));
        // Turned by a quarter: the axis-aligned box is 10 wide and 20 high.
        assertThat(dets.get(0).x1()).isCloseTo(35f, org.assertj.core.data.Offset.offset(1e-4f));
        assertThat(dets.get(0).y2()).isCloseTo(40f, org.assertj.core.data.Offset.offset(1e-4f));
        assertThat(dets.get(1).classId()).isEqualTo(1);
        assertThat(((OrientedBox) dets.get(1).extra()).angle()).isEqualTo(0.5f);
    }

    @Test
    void cornersFollowUltralyticsOrder() {
        float[] c = new OrientedBox(10, 20, 4, 2, 0).corners();
        assertThat(c).containsExactly(12, 21, 12, 19, 8, 19, 8, 21);
    }
}
