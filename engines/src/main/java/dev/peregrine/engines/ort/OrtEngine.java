package dev.peregrine.engines.ort;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.peregrine.engines.Engine;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.EngineOutputs;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.TensorSpec;
import dev.peregrine.engines.model.UltralyticsMetadata;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Engine} over an ONNX Runtime session (CPU by default; CUDA or TensorRT execution providers by option).
 *
 * <p>Zero-copy input: a direct, native-order {@link FloatBuffer} from the caller is wrapped as the input tensor
 * without copying. Outputs are written by ONNX Runtime straight into engine-owned direct buffers ("pinned"
 * outputs), one per output, sized for the largest batch, so a run allocates no large memory. When an output has a
 * dynamic dimension other than the batch, the first run at each batch size lets ONNX Runtime allocate, learns the
 * shape, copies, and pins from then on.
 *
 * <p>Static-batch models always run their fixed batch: a smaller request reuses the slots after it as padding.
 *
 * <p>Threading: one run at a time ({@code run} and {@code close} are synchronized so that a close from a shutdown
 * thread cannot free the session under a running batch).
 */
public final class OrtEngine implements Engine {
    private static final Logger LOG = LoggerFactory.getLogger(OrtEngine.class);

    private final OrtEnvironment env;
    private final OrtSession session;
    private final OrtSession.SessionOptions sessionOptions;
    private final String description;
    private final ModelInfo info;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final String inputName;
    private final int imageHeight;
    private final int imageWidth;
    private final long imageElements;
    /** Fixed batch of a static model, or -1. */
    private final int fixedBatch;
    private final int maxBatch;
    private final OutputSlot[] slots;
    /** Cached result views per requested batch (index = batch) so that a run returns without allocating. */
    private final EngineOutputs[] resultsByBatch;
    /** Cached name → pinned tensor maps per run batch (index = batch), built once all shapes are known. */
    private final Map<String, OnnxTensor>[] pinnedMaps;
    /** Engine-owned copy of the input for heap or non-native-order buffers, or for padding a static batch. */
    private FloatBuffer staging;
    private boolean warnedCopy;
    private boolean closed;

    private OrtEngine(OrtSessionFactory.Opened opened, EngineConfig config) throws PeregrineException {
        this.env = opened.env();
        this.session = opened.session();
        this.sessionOptions = opened.options();
        this.description = "onnxruntime-" + opened.provider().name().toLowerCase(Locale.ROOT);
        try {
            this.inputs = specs(session.getInputInfo());
            this.outputs = specs(session.getOutputInfo());
            if (inputs.size() != 1) {
                throw PeregrineException.badInput(config.model().getFileName() + " has " + inputs.size()
                        + " inputs " + inputs + "; a YOLO image model has one input [B, 3, H, W]");
            }
            TensorSpec in = inputs.get(0);
            UltralyticsMetadata.checkImageInput(in);
            if (!in.elementType().equals("float")) {
                throw PeregrineException.unsupported("model input '" + in.name() + "' is " + in.elementType()
                        + "; the ONNX Runtime engine feeds float32 (export with float32 inputs)");
            }
            for (TensorSpec o : outputs) {
                if (!o.elementType().equals("float")) {
                    throw PeregrineException.unsupported("model output '" + o.name() + "' is " + o.elementType()
                            + "; the ONNX Runtime engine reads float32 outputs");
                }
            }
            this.info = UltralyticsMetadata.parse(session.getMetadata().getCustomMetadata(), in,
                    outputs.isEmpty() ? null : outputs.get(0), "onnx");
        } catch (OrtException e) {
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "cannot read the model's inputs, outputs or "
                    + "metadata: " + e.getMessage(), e);
        }
        this.inputName = inputs.get(0).name();
        this.imageHeight = info.inputHeight();
        this.imageWidth = info.inputWidth();
        this.imageElements = 3L * imageHeight * imageWidth;
        this.fixedBatch = inputs.get(0).dim(0) > 0 ? (int) inputs.get(0).dim(0) : -1;
        this.maxBatch = fixedBatch > 0 ? fixedBatch : config.maxBatch();
        this.slots = new OutputSlot[outputs.size()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new OutputSlot(outputs.get(i), inputs.get(0).dim(0), runBatchCapacity());
        }
        this.resultsByBatch = new EngineOutputs[maxBatch + 1];
        @SuppressWarnings("unchecked")
        Map<String, OnnxTensor>[] maps = new Map[runBatchCapacity() + 1];
        this.pinnedMaps = maps;
    }

    /**
     * Opens {@code config.model()} with ONNX Runtime.
     *
     * @throws PeregrineException NOT_FOUND for a missing file, UNAVAILABLE when the requested execution provider is
     *                            absent, BAD_INPUT / UNSUPPORTED for a model that is not a float YOLO image model
     */
    public static OrtEngine open(EngineConfig config) throws PeregrineException {
        if (!java.nio.file.Files.isRegularFile(config.model())) {
            throw PeregrineException.notFound("model file not found: " + config.model());
        }
        OrtOptions options = config.options() instanceof OrtOptions o ? o : OrtOptions.defaults();
        OrtSessionFactory.Opened opened = OrtSessionFactory.open(config.model(), options, config.device());
        try {
            OrtEngine engine = new OrtEngine(opened, config);
            LOG.info("loaded {} with {} ({} threads): input {}, outputs {}, max batch {}", config.model().getFileName(),
                    engine.description, options.effectiveIntraOpThreads(), engine.inputs.get(0), engine.outputs,
                    engine.maxBatch);
            return engine;
        } catch (PeregrineException | RuntimeException e) {
            closeQuietly(opened.session());
            opened.options().close();
            throw e;
        }
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public List<TensorSpec> inputs() {
        return inputs;
    }

    @Override
    public List<TensorSpec> outputs() {
        return outputs;
    }

    @Override
    public int maxBatch() {
        return maxBatch;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public synchronized EngineOutputs run(FloatBuffer input, int batch) throws PeregrineException {
        if (closed) {
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "engine is closed");
        }
        if (batch < 1 || batch > maxBatch) {
            throw PeregrineException.badInput("batch " + batch + " is outside 1.." + maxBatch);
        }
        long needed = batch * imageElements;
        if (input.remaining() < needed) {
            throw PeregrineException.badInput("input buffer holds " + input.remaining() + " floats; batch " + batch
                    + " of 3x" + imageHeight + "x" + imageWidth + " needs " + needed);
        }
        int runBatch = fixedBatch > 0 ? fixedBatch : batch;
        FloatBuffer data = inputView(input, batch, runBatch);
        long[] shape = {runBatch, 3, imageHeight, imageWidth};
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, data, shape)) {
            Map<String, OnnxTensor> pinned = pinnedOutputs(runBatch);
            if (pinned != null) {
                try (OrtSession.Result ignored = session.run(Map.of(inputName, tensor), pinned)) {
                    // outputs are already in the pinned buffers
                }
            } else {
                try (OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
                    learnAndCopy(result, runBatch);
                }
            }
        } catch (OrtException e) {
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "ONNX Runtime run failed (" + description
                    + ", batch " + runBatch + "): " + e.getMessage(), e);
        }
        return results(batch);
    }

    /** The input as ONNX Runtime should see it: the caller's buffer when possible, else the staging copy. */
    private FloatBuffer inputView(FloatBuffer input, int batch, int runBatch) {
        long runElements = runBatch * imageElements;
        FloatBuffer view = input.duplicate();
        boolean zeroCopy = input.isDirect() && input.order() == ByteOrder.nativeOrder()
                && input.remaining() >= runElements;
        if (zeroCopy) {
            view.limit(view.position() + (int) runElements);
            return view;
        }
        if (!input.isDirect() || input.order() != ByteOrder.nativeOrder()) {
            if (!warnedCopy) {
                LOG.warn("input buffer is {}; copying it for every run (pass a direct native-order buffer, e.g. "
                        + "InputBatch, to avoid the copy)", input.isDirect() ? "not in native byte order" : "on the heap");
                warnedCopy = true;
            }
        }
        if (staging == null) {
            staging = directFloats(runBatchCapacity() * imageElements);
        }
        view.limit(view.position() + (int) (batch * imageElements));
        FloatBuffer dst = staging.duplicate();
        dst.clear();
        dst.put(view);
        // Static batch padding: the slots after `batch` keep whatever they held; their outputs are never read.
        dst.position(0).limit((int) runElements);
        return dst;
    }

    private int runBatchCapacity() {
        return fixedBatch > 0 ? fixedBatch : maxBatch;
    }

    /** The pinned outputs for a run batch, or null while some output's shape is still unknown. */
    private Map<String, OnnxTensor> pinnedOutputs(int runBatch) throws OrtException {
        Map<String, OnnxTensor> map = pinnedMaps[runBatch];
        if (map == null) {
            Map<String, OnnxTensor> built = new HashMap<>(slots.length * 2);
            for (OutputSlot s : slots) {
                OnnxTensor t = s.pinned(env, runBatch);
                if (t == null) {
                    return null;
                }
                built.put(s.name, t);
            }
            map = Map.copyOf(built);
            pinnedMaps[runBatch] = map;
        }
        return map;
    }

    /** First run at a batch size with a dynamic non-batch output dim: learn shapes, copy, pin from now on. */
    private void learnAndCopy(OrtSession.Result result, int runBatch) throws OrtException, PeregrineException {
        for (int i = 0; i < slots.length; i++) {
            OnnxValue v = result.get(i);
            if (!(v instanceof OnnxTensor t)) {
                throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "output " + slots[i].name + " is not a tensor");
            }
            long[] shape = ((TensorInfo) t.getInfo()).getShape();
            slots[i].learn(shape, runBatch, runBatchCapacity());
            FloatBuffer src = t.getFloatBuffer(); // a copy; happens once per batch size
            FloatBuffer dst = slots[i].buffer.duplicate();
            dst.clear();
            dst.put(src);
            LOG.debug("output {} has shape {} at batch {}; pinned from now on", slots[i].name,
                    Arrays.toString(shape), runBatch);
        }
    }

    private EngineOutputs results(int batch) {
        EngineOutputs r = resultsByBatch[batch];
        if (r == null) {
            List<EngineOutputs.OutputTensor> list = new ArrayList<>(slots.length);
            for (OutputSlot s : slots) {
                list.add(s.view(batch));
            }
            r = new EngineOutputs(List.copyOf(list));
            resultsByBatch[batch] = r;
        }
        for (EngineOutputs.OutputTensor t : r.tensors()) {
            t.data().position(0);
        }
        return r;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (OutputSlot s : slots) {
            s.close();
        }
        closeQuietly(session);
        sessionOptions.close();
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException | IllegalStateException e) {
            LOG.warn("closing the ONNX Runtime session failed: {}", e.getMessage());
        }
    }

    static FloatBuffer directFloats(long n) {
        if (n * 4 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("buffer of " + n + " floats exceeds 2 GiB");
        }
        return ByteBuffer.allocateDirect((int) (n * 4)).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static List<TensorSpec> specs(Map<String, NodeInfo> nodes) {
        List<TensorSpec> out = new ArrayList<>(nodes.size());
        for (NodeInfo n : nodes.values()) {
            if (n.getInfo() instanceof TensorInfo t) {
                out.add(new TensorSpec(n.getName(), elementType(t), t.getShape()));
            } else {
                out.add(new TensorSpec(n.getName(), "non-tensor", new long[0]));
            }
        }
        return List.copyOf(out);
    }

    /** ONNX element type name ({@code float}, {@code float16}, {@code int64}...) of a tensor. */
    static String elementType(TensorInfo t) {
        String n = t.onnxType.name();
        String prefix = "ONNX_TENSOR_ELEMENT_DATA_TYPE_";
        return (n.startsWith(prefix) ? n.substring(prefix.length()) : n).toLowerCase(Locale.ROOT);
    }

    /**
     * One model output: its engine-owned direct buffer and the pinned ONNX Runtime tensors over it, one per run
     * batch size (a dynamic-batch model runs several sizes over the front of the same buffer).
     */
    private static final class OutputSlot {
        final String name;
        /** Dims after the batch axis; null until known. */
        long[] perImageShape;
        long perImageElements;
        FloatBuffer buffer;
        final OnnxTensor[] pinnedByBatch;

        OutputSlot(TensorSpec spec, long inputBatchDim, int capacity) {
            this.name = spec.name();
            this.pinnedByBatch = new OnnxTensor[capacity + 1];
            long[] s = spec.shape();
            boolean batchLeading = s.length > 0 && (s[0] == inputBatchDim || (s[0] < 0 && inputBatchDim < 0));
            long[] rest = s.length > 0 ? Arrays.copyOfRange(s, 1, s.length) : s;
            if (batchLeading && Arrays.stream(rest).allMatch(d -> d > 0)) {
                allocate(rest, capacity);
            }
        }

        private void allocate(long[] rest, int capacity) {
            perImageShape = rest;
            perImageElements = Arrays.stream(rest).reduce(1, (a, b) -> a * b);
            buffer = directFloats(perImageElements * capacity);
        }

        /** Records the shape from an unpinned run; sizes the buffer on first use. */
        void learn(long[] shape, int runBatch, int capacity) throws PeregrineException {
            if (shape.length == 0 || shape[0] != runBatch) {
                throw new PeregrineException(ErrorCode.UNSUPPORTED, "output " + name + " has shape "
                        + Arrays.toString(shape) + "; expected the batch (" + runBatch + ") as its first dimension");
            }
            long[] rest = Arrays.copyOfRange(shape, 1, shape.length);
            if (perImageShape == null) {
                allocate(rest, capacity);
            } else if (!Arrays.equals(rest, perImageShape)) {
                throw new PeregrineException(ErrorCode.UNSUPPORTED, "output " + name + " changed shape from "
                        + Arrays.toString(perImageShape) + " to " + Arrays.toString(rest) + " between batches");
            }
        }

        /** The pinned tensor for a run of {@code runBatch} images, or null while the output shape is unknown. */
        OnnxTensor pinned(OrtEnvironment env, int runBatch) throws OrtException {
            if (perImageShape == null) {
                return null;
            }
            OnnxTensor t = pinnedByBatch[runBatch];
            if (t == null) {
                long[] shape = new long[perImageShape.length + 1];
                shape[0] = runBatch;
                System.arraycopy(perImageShape, 0, shape, 1, perImageShape.length);
                FloatBuffer view = buffer.duplicate();
                view.position(0).limit((int) (runBatch * perImageElements));
                t = OnnxTensor.createTensor(env, view, shape);
                pinnedByBatch[runBatch] = t;
            }
            return t;
        }

        /** The output of the first {@code batch} images as the engine reports it. */
        EngineOutputs.OutputTensor view(int batch) {
            long[] shape = new long[perImageShape.length + 1];
            shape[0] = batch;
            System.arraycopy(perImageShape, 0, shape, 1, perImageShape.length);
            FloatBuffer v = buffer.duplicate();
            v.position(0).limit((int) (batch * perImageElements));
            return new EngineOutputs.OutputTensor(name, shape, v.slice());
        }

        void close() {
            for (int i = 0; i < pinnedByBatch.length; i++) {
                if (pinnedByBatch[i] != null) {
                    pinnedByBatch[i].close();
                    pinnedByBatch[i] = null;
                }
            }
        }
    }
}
