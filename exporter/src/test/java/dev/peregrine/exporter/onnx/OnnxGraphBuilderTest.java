package dev.peregrine.exporter.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Names, shape inference and opset-dependent operator forms of the graph builder. */
class OnnxGraphBuilderTest {

    @Test
    void namesFollowTheScopeAndStayUnique() {
        OnnxGraphBuilder g = new OnnxGraphBuilder(17);
        Value x = g.addInput("images", new long[] {1, 3, 8, 8}, null);
        g.pushScope("model.0");
        g.pushScope("conv");
        Value w = g.initializer("weight", new float[4 * 3 * 9], 4, 3, 3, 3);
        Value w2 = g.initializer("weight", new float[4 * 4 * 9], 4, 4, 3, 3);
        Value y = g.conv(x, w, null, new long[] {2, 2}, new long[] {1, 1, 1, 1}, new long[] {1, 1}, 1);
        Value z = g.conv(y, w2, null, new long[] {1, 1}, new long[] {1, 1, 1, 1}, new long[] {1, 1}, 1);
        g.popScope();
        g.popScope();
        assertThat(w.name()).isEqualTo("model.0.conv.weight");
        assertThat(w2.name()).isEqualTo("model.0.conv.weight_1");
        assertThat(y.name()).isEqualTo("/model.0/conv/Conv_output_0");
        assertThat(z.name()).isEqualTo("/model.0/conv/Conv_1_output_0");
        assertThat(y.shape()).containsExactly(1, 4, 4, 4);
        Value out = g.addOutput(g.sigmoid(z), "output0", new long[] {1, 4, 4, 4}, null);
        GraphProto graph = g.build("t");
        assertThat(graph.getNodeList()).extracting(NodeProto::getName)
                .containsExactly("/model.0/conv/Conv", "/model.0/conv/Conv_1", "/Sigmoid");
        assertThat(graph.getNode(2).getOutput(0)).isEqualTo("output0");
        assertThat(out.name()).isEqualTo("output0");
        assertThat(graph.getOutput(0).getName()).isEqualTo("output0");
    }

    @Test
    void infersShapesOfReshapeConvPoolAndBroadcast() {
        assertThat(OnnxGraphBuilder.inferReshape(new long[] {1, 64, 20, 20}, new long[] {0, 4, 16, -1}))
                .containsExactly(1, 4, 16, 400);
        assertThat(OnnxGraphBuilder.inferReshape(new long[] {-1, 64, -1, -1}, new long[] {0, 64, -1}))
                .containsExactly(-1, 64, -1);
        assertThat(OnnxGraphBuilder.broadcast(new long[] {2, 525}, new long[] {1, 2, 525})).containsExactly(1, 2, 525);
        assertThat(OnnxGraphBuilder.broadcast(new long[] {-1, 4, 1}, new long[] {1, 5})).containsExactly(-1, 4, 5);

        OnnxGraphBuilder g = new OnnxGraphBuilder(17);
        Value x = g.addInput("images", new long[] {-1, 8, 20, 20}, new String[] {"batch", null, null, null});
        Value p = g.maxPool(x, new long[] {5, 5}, new long[] {1, 1}, new long[] {2, 2, 2, 2}, false);
        assertThat(p.shape()).containsExactly(-1, 8, 20, 20);
        Value a = g.averagePool(x, new long[] {2, 2}, new long[] {1, 1}, new long[] {0, 0, 0, 0}, false, true);
        assertThat(a.shape()).containsExactly(-1, 8, 19, 19);
        Value r = g.resizeNearest(x, new float[] {1, 1, 2, 2});
        assertThat(r.shape()).containsExactly(-1, 8, 40, 40);
        List<Value> parts = g.split(x, 1, 2, 6);
        assertThat(parts.get(1).shape()).containsExactly(-1, 6, 20, 20);
        assertThat(g.concat(parts, 1).shape()).containsExactly(-1, 8, 20, 20);
        Value m = g.matMul(g.reshape(x, 0, 2, 4, -1), g.reshape(x, 0, 2, -1, 4));
        assertThat(m.shape()).containsExactly(-1, 2, 4, 4);
        assertThat(g.transpose(m, 0, 1, 3, 2).shape()).containsExactly(-1, 2, 4, 4);
        assertThat(g.unsqueeze(g.reduceMax(m, false, -1), -1).shape()).containsExactly(-1, 2, 4, 1);
    }

    @Test
    void reduceMaxTakesAxesAsAttributeBeforeOpset18AndAsInputFrom18() {
        for (int opset : new int[] {17, 18}) {
            OnnxGraphBuilder g = new OnnxGraphBuilder(opset);
            Value x = g.addInput("images", new long[] {1, 5, 3}, null);
            g.reduceMax(x, false, -1);
            NodeProto n = g.build("t").getNodeList().stream().filter(k -> k.getOpType().equals("ReduceMax"))
                    .findFirst().orElseThrow();
            assertThat(n.getInputCount()).isEqualTo(opset >= 18 ? 2 : 1);
            assertThat(n.getAttributeList().stream().anyMatch(at -> at.getName().equals("axes")))
                    .isEqualTo(opset < 18);
        }
    }

    @Test
    void irVersionFollowsTheOpset() {
        assertThat(OnnxModels.irVersionFor(13)).isEqualTo(8);
        assertThat(OnnxModels.irVersionFor(17)).isEqualTo(8);
        assertThat(OnnxModels.irVersionFor(18)).isEqualTo(8);
        assertThat(OnnxModels.irVersionFor(19)).isEqualTo(9);
        assertThat(OnnxModels.irVersionFor(21)).isEqualTo(10);
    }

    @Test
    void tensorsAreLittleEndianRawData() {
        var t = Tensors.floats("w", new float[] {1f, -2f}, 2);
        byte[] raw = t.getRawData().toByteArray();
        assertThat(raw).hasSize(8);
        assertThat(java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat(4)).isEqualTo(-2f);
        assertThat(t.getDimsList()).containsExactly(2L);
    }
}
