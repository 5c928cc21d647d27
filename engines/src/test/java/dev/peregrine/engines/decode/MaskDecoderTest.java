package dev.peregrine.engines.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.EngineOutputs;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link MaskDecoder} on a 16x16 input with one 4x4 prototype of ones: the mask is the crop of the box at prototype
 * resolution (rounded), bilinearly upsampled (a 2x2 prototype crop becomes 12x12 input pixels: half a prototype
 * pixel of blur on each side), empty masks drop their detection, and end-to-end rows read the same way.
 */
class MaskDecoderTest {

    @Test
    void maskIsTheUpsampledCrop() throws Exception {
        EngineOutputs out = anchorFree(new float[] {8, 8, 8, 8, 0.9f, 1f});
        List<Detection> dets = MaskDecoder.anchorFree(1, 1, 16, 16).decode(out, 0, DetectOptions.defaults());
        assertThat(dets).hasSize(1);
        InstanceMask mask = (InstanceMask) dets.get(0).extra();
        assertThat(mask.pixelCount()).isEqualTo(144);
        assertThat(mask.contains(2, 2)).isTrue();
        assertThat(mask.contains(13, 13)).isTrue();
        assertThat(mask.contains(1, 8)).isFalse();
        assertThat(mask.contains(14, 8)).isFalse();
        assertThat(mask.canvasWidth()).isEqualTo(16);
    }

    @Test
    void negativeCoefficientsGiveAnEmptyMaskAndTheDetectionIsDropped() throws Exception {
        EngineOutputs out = anchorFree(new float[] {8, 8, 8, 8, 0.9f, -1f}, new float[] {8, 8, 8, 8, 0.5f, 1f});
        List<Detection> dets = MaskDecoder.anchorFree(1, 1, 16, 16)
                .decode(out, 0, DetectOptions.defaults().withIou(1f));
        assertThat(dets).hasSize(1);
        assertThat(dets.get(0).score()).isEqualTo(0.5f);
    }

    @Test
    void aBoxBeyondTheLeftEdgeIsCroppedWithPythonSliceSemanticsLikeUltralytics() {
        // x1 = -3 input px = -0.75 prototype px, rounded to -1: mask[:, :-1] = 0 keeps only the last column.
        assertThat(MaskDecoder.sliceStart(-1, 4)).isEqualTo(3);
        assertThat(MaskDecoder.sliceStart(-7, 4)).isZero();
        assertThat(MaskDecoder.sliceStart(9, 4)).isEqualTo(4);
        assertThat(MaskDecoder.sliceStart(2, 4)).isEqualTo(2);
    }

    @Test
    void endToEndRowsCarryTheCoefficients() throws Exception {
        float[] rows = {4, 4, 12, 12, 0.9f, 0f, 1f};
        EngineOutputs out = new EngineOutputs(List.of(
                new EngineOutputs.OutputTensor("output0", new long[] {1, 1, 7}, FloatBuffer.wrap(rows)),
                protos()));
        List<Detection> dets = MaskDecoder.endToEnd(1, 16, 16).decode(out, 0, DetectOptions.defaults());
        assertThat(dets).hasSize(1);
        assertThat(((InstanceMask) dets.get(0).extra()).pixelCount()).isEqualTo(144);
    }

    /** Anchor-free rows {@code cx, cy, w, h, score, coefficient} plus the prototypes. */
    private static EngineOutputs anchorFree(float[]... anchors) {
        EngineOutputs boxes = DecodeTestData.anchorFree(2, anchors);
        return new EngineOutputs(List.of(boxes.get(0), protos()));
    }

    private static EngineOutputs.OutputTensor protos() {
        float[] p = new float[16];
        Arrays.fill(p, 1f);
        return new EngineOutputs.OutputTensor("output1", new long[] {1, 1, 4, 4}, FloatBuffer.wrap(p));
    }
}
