package dev.peregrine.exporter.precision;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a model with ONNX Runtime (CPU) with chosen intermediate tensors exposed as extra graph outputs: ORT then
 * reports their inferred element types and shapes, and each run returns their values. This is how the precision
 * passes learn tensor types without an ONNX shape-inference library, and how INT8 calibration observes
 * activations.
 *
 * <p>Owns one ORT session; {@link #close()} frees it and is idempotent. Not thread-safe.
 */
final class ModelProbe implements AutoCloseable {
    private final OrtSession session;
    private final String inputName;
    private final List<String> observed;
    private boolean closed;

    /** A probe exposing {@code tensors} (names of node outputs); the model's own outputs stay too. */
    ModelProbe(ModelProto model, Collection<String> tensors) throws PeregrineException {
        GraphProto.Builder g = model.getGraph().toBuilder();
        Set<String> outputs = new HashSet<>();
        for (ValueInfoProto v : g.getOutputList()) {
            outputs.add(v.getName());
        }
        for (String t : tensors) {
            if (outputs.add(t)) {
                // no type: ORT infers it while resolving the graph
                g.addOutput(ValueInfoProto.newBuilder().setName(t));
            }
        }
        this.observed = List.copyOf(tensors);
        byte[] bytes = model.toBuilder().setGraph(g).build().toByteArray();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
            this.session = OrtEnvironment.getEnvironment().createSession(bytes, opts);
        } catch (OrtException e) {
            throw new PeregrineException(ErrorCode.BAD_INPUT, "ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
        List<String> inputs = new ArrayList<>(session.getInputNames());
        if (inputs.size() != 1) {
            close();
            throw PeregrineException.unsupported("the precision passes handle image models with one input; this one has "
                    + inputs.size() + " " + inputs);
        }
        this.inputName = inputs.get(0);
    }

    /** A probe exposing every node output of {@code model}. */
    static ModelProbe allTensors(ModelProto model) throws PeregrineException {
        List<String> all = new ArrayList<>();
        for (NodeProto n : model.getGraph().getNodeList()) {
            for (String o : n.getOutputList()) {
                if (!o.isEmpty()) {
                    all.add(o);
                }
            }
        }
        return new ModelProbe(model, all);
    }

    /** Element types and shapes of every output of the probe session (model outputs and observed tensors). */
    Map<String, TensorType> types() throws PeregrineException {
        Map<String, TensorType> out = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, NodeInfo> e : session.getOutputInfo().entrySet()) {
                if (e.getValue().getInfo() instanceof TensorInfo ti) {
                    out.put(e.getKey(), new TensorType(onnxDataType(ti.onnxType), ti.getShape()));
                }
            }
        } catch (OrtException e) {
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "cannot read tensor types: " + e.getMessage(), e);
        }
        return out;
    }

    /** ORT's element type enum in ONNX {@code TensorProto.DataType} numbering (their numbers differ). */
    private static int onnxDataType(TensorInfo.OnnxTensorType t) {
        String suffix = t.name().substring("ONNX_TENSOR_ELEMENT_DATA_TYPE_".length());
        try {
            return ai.onnx.proto.OnnxMl.TensorProto.DataType.valueOf(suffix).getNumber();
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }

    /** The model input's shape as ORT reports it (-1 where dynamic). */
    long[] inputShape() throws PeregrineException {
        try {
            return ((TensorInfo) session.getInputInfo().get(inputName).getInfo()).getShape();
        } catch (OrtException | ClassCastException e) {
            throw PeregrineException.unsupported("the model input '" + inputName + "' is not a tensor");
        }
    }

    /** Receives the value of each observed float tensor of one run. */
    @FunctionalInterface
    interface TensorVisitor {
        /** {@code data} is valid only during the call. */
        void visit(String tensor, long[] shape, FloatBuffer data) throws PeregrineException;
    }

    /**
     * Runs one input batch and shows every observed float32 tensor to {@code visitor}.
     *
     * @param input NCHW float data of {@code shape}
     */
    void run(FloatBuffer input, long[] shape, TensorVisitor visitor) throws PeregrineException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor in = OnnxTensor.createTensor(env, input, shape);
             OrtSession.Result result = session.run(Map.of(inputName, in), new HashSet<>(observed))) {
            for (Map.Entry<String, OnnxValue> e : result) {
                if (e.getValue() instanceof OnnxTensor t && t.getInfo().onnxType == TensorInfo.OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT) {
                    visitor.visit(e.getKey(), t.getInfo().getShape(), t.getFloatBuffer());
                }
            }
        } catch (OrtException e) {
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "ONNX Runtime failed to run the model: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                session.close();
            } catch (OrtException e) {
                // nothing left to release on failure; ORT logs the cause
            }
        }
    }
}
