package dev.peregrine.exporter.precision;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Entry point of the precision passes over ONNX models: FP16 conversion and INT8 post-training quantization with
 * Q/DQ nodes. Both take a float32 model (Ultralytics' export or Peregrine's) and return a new model; graph inputs
 * and outputs stay float32, so engines feed and read them unchanged. The result carries {@code precision} in its
 * metadata ({@code fp16} or {@code int8}), which Peregrine's model reader reports as the model's precision.
 */
public final class PrecisionPasses {
    private PrecisionPasses() {
    }

    /**
     * Converts a float32 model to FP16 compute.
     *
     * @throws PeregrineException BAD_INPUT for a model that is already FP16 or quantized; UNSUPPORTED for graphs
     *                            with subgraphs or several inputs
     */
    public static ModelProto toFp16(ModelProto model, Fp16Options options) throws PeregrineException {
        return Fp16Converter.convert(model, options);
    }

    /**
     * Quantizes a float32 image model to INT8 with Q/DQ nodes, calibrating activation ranges on {@code source}.
     *
     * @param listener receives calibration progress, or null
     * @throws PeregrineException BAD_INPUT for an already quantized or FP16 model, too few readable calibration
     *                            images; UNSUPPORTED for non-image models, opset below 13, graphs with subgraphs
     */
    public static ModelProto toInt8(ModelProto model, CalibrationSource source, Int8Options options,
                                    CalibrationListener listener) throws PeregrineException {
        ModelProto q = Int8Quantizer.quantize(model, source, options, listener);
        return options.uint8Activations() ? int8ActivationsToUint8(q) : q;
    }

    /** Applies {@code precision} (FP32 returns the model unchanged; INT8 needs a calibration source). */
    public static ModelProto apply(ModelProto model, Precision precision, Fp16Options fp16, CalibrationSource source,
                                   Int8Options int8, CalibrationListener listener) throws PeregrineException {
        return switch (precision) {
            case FP32 -> model;
            case FP16 -> toFp16(model, fp16);
            case INT8 -> {
                if (source == null) {
                    throw PeregrineException.badInput("INT8 needs calibration images (--calib FOLDER|LIST.txt|DATA.yaml)");
                }
                yield toInt8(model, source, int8, listener);
            }
        };
    }

    /**
     * Rewrites the activation Q/DQ pairs of an INT8 model from int8 with zero point {@code z} to uint8 with zero
     * point {@code z + 128}: the same real values, but the form ONNX Runtime's x86 CPU provider fuses into its
     * U8S8 integer kernels by default (with int8 activations it keeps float convolutions, or, with
     * {@code session.qdqisint8allowed}, uses much slower S8S8 kernels). Weights stay int8. TensorRT does not accept
     * the result, so apply it only for ONNX Runtime on CPU. Only zero points stored as one inline int8 value are
     * shifted; {@link #activationQuantization} says whether that covers every activation of a model.
     */
    public static ModelProto int8ActivationsToUint8(ModelProto model) {
        GraphProto g = model.getGraph();
        Map<String, TensorProto> inits = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            inits.put(t.getName(), t);
        }
        Set<String> quantizedActivations = new HashSet<>();
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("QuantizeLinear")) {
                quantizedActivations.add(n.getOutput(0));
            }
        }
        GraphProto.Builder b = g.toBuilder();
        Map<String, String> shifted = new HashMap<>();
        for (int i = 0; i < b.getNodeCount(); i++) {
            NodeProto n = b.getNode(i);
            boolean activation = n.getOpType().equals("QuantizeLinear")
                    || (n.getOpType().equals("DequantizeLinear") && quantizedActivations.contains(n.getInput(0)));
            if (!activation || !ActivationQuantizers.shifts(n, inits)) {
                continue;
            }
            TensorProto zp = inits.get(n.getInput(2));
            String u8 = shifted.computeIfAbsent(zp.getName(), k -> {
                String name = k + "_uint8";
                byte v = (byte) (zp.getRawData().byteAt(0) + 128);
                b.addInitializer(TensorData.byteTensor(name, TensorData.UINT8, new long[0], new byte[] {v}));
                return name;
            });
            b.setNode(i, n.toBuilder().setInput(2, u8).build());
        }
        // drop int8 zero points nobody reads any more
        Set<String> read = new HashSet<>();
        for (NodeProto n : b.getNodeList()) {
            read.addAll(n.getInputList());
        }
        for (int i = b.getInitializerCount() - 1; i >= 0; i--) {
            if (shifted.containsKey(b.getInitializer(i).getName()) && !read.contains(b.getInitializer(i).getName())) {
                b.removeInitializer(i);
            }
        }
        return model.toBuilder().setGraph(b).build();
    }

    /**
     * How {@code model}'s graph quantizes its activations: {@link ActivationQuantization#INT8} when it has int8
     * activations that {@link #int8ActivationsToUint8} converts completely into a valid model (the test for
     * applying it before serving on ONNX Runtime CPU). Read from the graph, not from the metadata.
     */
    public static ActivationQuantization activationQuantization(ModelProto model) {
        return ActivationQuantizers.classify(model);
    }

    /** The precision recorded in the model's metadata, FP32 when absent. */
    public static Precision precisionOf(ModelProto model) {
        for (StringStringEntryProto p : model.getMetadataPropsList()) {
            if (p.getKey().equals(Metadata.PRECISION)) {
                try {
                    return Precision.valueOf(p.getValue().trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    return Precision.FP32;
                }
            }
        }
        return Precision.FP32;
    }

}
