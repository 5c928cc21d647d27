package dev.peregrine.exporter.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.peregrine.exporter.pt.ModuleNode;
import dev.peregrine.exporter.pt.PtCheckpoint;
import dev.peregrine.testing.Fixtures;
import org.junit.jupiter.api.Test;

/** BatchNorm folding with each BatchNorm's own eps, and branch sums of re-parameterisable convolutions. */
class ConvWeightsTest {

    @Test
    void foldsBatchNormWithItsOwnEps() throws Exception {
        // Detection models use eps 1e-3, classifiers 1e-5: the fold must read it from each module.
        assertFoldUsesEps("tiny/yolov8n.pt", 1e-3);
        assertFoldUsesEps("tiny/yolov8n-cls.pt", 1e-5);
    }

    private static void assertFoldUsesEps(String file, double eps) throws Exception {
        ModuleNode conv = PtCheckpoint.read(Fixtures.file(file)).model().child("model").child("1");
        ModuleNode bn = conv.child("bn");
        assertThat(bn.doubleAttr("eps")).isEqualTo(eps, within(1e-12));
        ConvWeights raw = ConvWeights.fromConv2d(conv.child("conv"));
        ConvWeights folded = raw.foldBatchNorm(bn);
        float[] mean = bn.buffer("running_mean").toFloats();
        float[] var = bn.buffer("running_var").toFloats();
        float[] gamma = bn.param("weight").toFloats();
        float[] beta = bn.param("bias").toFloats();
        int per = raw.weight().length / raw.outChannels();
        double maxRel = 0;
        for (int o = 0; o < raw.outChannels(); o++) {
            double s = gamma[o] / Math.sqrt(var[o] + eps);
            assertThat((double) folded.bias()[o]).isCloseTo(beta[o] - mean[o] * s, within(1e-5 * (1 + Math.abs(s))));
            for (int k = 0; k < per; k++) {
                double expect = raw.weight()[o * per + k] * s;
                assertThat((double) folded.weight()[o * per + k]).isCloseTo(expect, within(1e-6 * (1 + Math.abs(expect))));
                // The other usual eps would change the weights measurably where the variance is small.
                double other = raw.weight()[o * per + k] * gamma[o] / Math.sqrt(var[o] + (eps == 1e-3 ? 1e-5 : 1e-3));
                maxRel = Math.max(maxRel, Math.abs(other - expect) / (Math.abs(expect) + 1e-12));
            }
        }
        assertThat(maxRel).as("eps must matter for this layer").isGreaterThan(1e-4);
        assertThat(folded.strides()).containsExactly(2, 2);
        assertThat(folded.pads()).containsExactly(1, 1, 1, 1);
    }

    @Test
    void sumsASmallerCentredKernelIntoALargerOne() {
        float[] w3 = new float[2 * 1 * 9];
        w3[4] = 1f; // out 0 centre
        ConvWeights k3 = new ConvWeights(w3, new long[] {2, 1, 3, 3}, new float[] {0.5f, 1f}, new long[] {1, 1},
                new long[] {1, 1, 1, 1}, new long[] {1, 1}, 2);
        ConvWeights k1 = new ConvWeights(new float[] {2f, 3f}, new long[] {2, 1, 1, 1}, new float[] {1f, 1f},
                new long[] {1, 1}, new long[] {0, 0, 0, 0}, new long[] {1, 1}, 2);
        ConvWeights sum = k3.plus(k1);
        assertThat(sum.weight()[4]).isEqualTo(3f);
        assertThat(sum.weight()[9 + 4]).isEqualTo(3f);
        assertThat(sum.weight()[0]).isZero();
        assertThat(sum.bias()).containsExactly(1.5f, 2f);
        assertThat(sum.pads()).containsExactly(1, 1, 1, 1);
    }

    @Test
    void identityKernelCopiesEachChannel() {
        ConvWeights id = TorchModules.identity(4, 1, 3);
        assertThat(id.shape()).containsExactly(4, 4, 3, 3);
        for (int o = 0; o < 4; o++) {
            for (int i = 0; i < 4; i++) {
                assertThat(id.weight()[(o * 4 + i) * 9 + 4]).isEqualTo(o == i ? 1f : 0f);
            }
        }
        ConvWeights dw = TorchModules.identity(4, 4, 3);
        assertThat(dw.shape()).containsExactly(4, 1, 3, 3);
        assertThat(dw.weight()[4]).isEqualTo(1f);
    }
}
