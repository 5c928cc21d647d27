package dev.peregrine.exporter.modules;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.peregrine.exporter.onnx.OnnxGraphBuilder;
import dev.peregrine.exporter.onnx.OnnxModels;
import dev.peregrine.exporter.onnx.Value;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The end-to-end selection graph ({@code Detect.postprocess}) run by ONNX Runtime equals a direct implementation of
 * Ultralytics' algorithm on random predictions: top-K anchors by best class score, then the top-K (anchor, class)
 * pairs among them, with extra channel groups gathered for the chosen anchors.
 */
class EndToEndSelectionTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(ints = {13, 17, 18, 21})
    void graphSelectsLikeUltralytics(int opset) throws Exception {
        int nc = 5;
        int anchors = 40;
        int extra = 3;
        int k = 12;
        int rows = 4 + nc + extra;
        float[] preds = new float[rows * anchors];
        SplittableRandom r = new SplittableRandom(opset);
        for (int i = 0; i < preds.length; i++) {
            preds[i] = (float) r.nextDouble();
        }

        OnnxGraphBuilder g = new OnnxGraphBuilder(opset);
        Value in = g.addInput("images", new long[] {1, rows, anchors}, null);
        EmitContext ctx = new EmitContext(g, new EmitterRegistry(), false, k);
        Value out = DetectHead.topK(ctx, in, nc, List.of((long) extra));
        assertThat(out.shape()).containsExactly(1, k, 6 + extra);
        g.addOutput(out, "output0", out.shape(), null);
        Path file = dir.resolve("sel.onnx");
        OnnxModels.write(OnnxModels.assemble(g.build("t"), opset, "test", Map.of()), file);

        float[] got = run(file, preds, rows, anchors);
        float[] want = reference(preds, nc, anchors, extra, k);
        assertThat(got).containsExactly(want);
    }

    private static float[] run(Path file, float[] preds, int rows, int anchors) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(file.toString(), new OrtSession.SessionOptions());
                OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(preds), new long[] {1, rows, anchors});
                OrtSession.Result res = s.run(Map.of("images", t))) {
            OnnxTensor o = (OnnxTensor) res.get(0);
            float[] data = new float[(int) o.getInfo().getNumElements()];
            o.getFloatBuffer().get(data);
            return data;
        }
    }

    /** Ultralytics' get_topk_index + gathers, written directly. */
    private static float[] reference(float[] p, int nc, int anchors, int extra, int k) {
        List<Integer> order = new ArrayList<>();
        for (int a = 0; a < anchors; a++) {
            order.add(a);
        }
        order.sort(Comparator.comparingDouble((Integer a) -> -best(p, nc, anchors, a)));
        List<Integer> top = order.subList(0, k);
        List<int[]> pairs = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            for (int c = 0; c < nc; c++) {
                pairs.add(new int[] {i, c});
            }
        }
        pairs.sort(Comparator.comparingDouble((int[] q) -> -p[(4 + q[1]) * anchors + top.get(q[0])]));
        int cols = 6 + extra;
        float[] out = new float[k * cols];
        for (int j = 0; j < k; j++) {
            int a = top.get(pairs.get(j)[0]);
            int c = pairs.get(j)[1];
            for (int b = 0; b < 4; b++) {
                out[j * cols + b] = p[b * anchors + a];
            }
            out[j * cols + 4] = p[(4 + c) * anchors + a];
            out[j * cols + 5] = c;
            for (int e = 0; e < extra; e++) {
                out[j * cols + 6 + e] = p[(4 + nc + e) * anchors + a];
            }
        }
        return out;
    }

    private static double best(float[] p, int nc, int anchors, int a) {
        double m = -1;
        for (int c = 0; c < nc; c++) {
            m = Math.max(m, p[(4 + c) * anchors + a]);
        }
        return m;
    }
}
