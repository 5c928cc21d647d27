package dev.peregrine.engines.trt;

import dev.peregrine.engines.numeric.Half;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.tensorrt.global.nvinfer.createInferRuntime;

import dev.peregrine.engines.Engine;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.EngineOutputs;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.tensorrt.global.nvinfer.ExecutionContextAllocationStrategy;
import org.bytedeco.tensorrt.global.nvinfer.TensorIOMode;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;
import org.bytedeco.tensorrt.nvinfer.IRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deserialized TensorRT engine with everything one inference thread needs, allocated once at load: an execution
 * context whose activation memory we allocate ourselves, a CUDA stream, device buffers and pinned host buffers for
 * every input and output sized for the largest batch this instance runs.
 *
 * <p>A run copies the images into the pinned input buffer, sets the input shape when the batch changed (dynamic
 * profiles), queues host-to-device copy, {@code enqueueV3} and device-to-host copies on the stream, and waits.
 * Only the API present in both TensorRT 10 and 11 is used (named I/O tensors, {@code setInputShape},
 * {@code setTensorAddress}, {@code enqueueV3}, user-managed context memory).
 *
 * <p>Ownership: a {@link ResourceStack} owns every allocation and frees them in reverse order on {@link #close()}.
 * The TensorRT objects themselves (runtime, engine, context) are released with {@code deallocate()}, which the
 * javacpp presets 1.5.14 map to nothing for objects TensorRT creates (javacpp-presets issue 1699): their host
 * memory and the engine's weights stay allocated until the process exits. The context's activation memory, the
 * largest per-instance allocation, is ours and is freed. See docs/GPU.md.
 */
final class TrtEngine implements Engine, GpuResident {
    private static final Logger LOG = LoggerFactory.getLogger(TrtEngine.class);

    /** One output tensor's buffers and its shape at the current batch. */
    private static final class Output {
        final String name;
        final ElementType type;
        final DeviceBuffer device;
        final PinnedBuffer host;
        /** float32 view of {@link #host} (FP32 outputs) or a conversion buffer (FP16 outputs), returned to callers. */
        final FloatBuffer floats;
        final ShortBuffer halves;
        long[] shape;

        Output(String name, ElementType type, DeviceBuffer device, PinnedBuffer host, long[] shape) {
            this.name = name;
            this.type = type;
            this.device = device;
            this.host = host;
            this.shape = shape;
            long elements = Shapes.elementCount(shape);
            if (type == ElementType.FLOAT32) {
                floats = host.buffer().asFloatBuffer();
                halves = null;
            } else {
                floats = ByteBuffer.allocateDirect(Math.toIntExact(elements * 4)).order(ByteOrder.nativeOrder()).asFloatBuffer();
                halves = host.buffer().asShortBuffer();
            }
        }
    }

    private final ResourceStack resources;
    private final ModelInfo info;
    private final List<TensorSpec> inputSpecs;
    private final List<TensorSpec> outputSpecs;
    private final String description;
    private final int device;
    private final long bytesAtLoad;
    private final BatchRange batches;
    private final InputLayout layout;
    private final IExecutionContext context;
    private final CudaStream stream;
    private final DeviceBuffer inputDevice;
    private final PinnedBuffer inputHost;
    private final FloatBuffer inputFloats;
    private final ShortBuffer inputHalves;
    private final Dims64 dims;
    private final List<Output> outputs;
    /** The batch the context's input shape is currently set to. */
    private int shapeBatch;
    private boolean closed;

    private TrtEngine(Parts p) {
        this.resources = p.resources;
        this.info = p.info;
        this.inputSpecs = p.inputSpecs;
        this.outputSpecs = p.outputSpecs;
        this.description = p.description;
        this.device = p.device;
        this.bytesAtLoad = p.bytesAtLoad;
        this.batches = p.batches;
        this.layout = p.layout;
        this.context = p.context;
        this.stream = p.stream;
        this.inputDevice = p.inputDevice;
        this.inputHost = p.inputHost;
        this.inputFloats = layout.type() == ElementType.FLOAT32 ? inputHost.buffer().asFloatBuffer() : null;
        this.inputHalves = layout.type() == ElementType.FLOAT16 ? inputHost.buffer().asShortBuffer() : null;
        this.dims = p.dims;
        this.outputs = p.outputs;
        this.shapeBatch = p.shapeBatch;
    }

    /** What the loader assembles before the engine object exists. */
    private static final class Parts {
        ResourceStack resources;
        ModelInfo info;
        List<TensorSpec> inputSpecs;
        List<TensorSpec> outputSpecs;
        String description;
        int device;
        long bytesAtLoad;
        BatchRange batches;
        InputLayout layout;
        IExecutionContext context;
        CudaStream stream;
        DeviceBuffer inputDevice;
        PinnedBuffer inputHost;
        Dims64 dims;
        List<Output> outputs;
        int shapeBatch;
    }

    /**
     * Loads {@code file} on the config's device. On failure everything allocated so far is released.
     *
     * @throws PeregrineException UNSUPPORTED for engines Peregrine cannot drive (several inputs, non-float I/O),
     *                            BAD_INPUT when the header does not match the plan, UNAVAILABLE for a missing DLA
     *                            core, ENGINE_FAILURE when TensorRT or CUDA fail (with their messages)
     */
    static TrtEngine open(EngineFile file, EngineConfig config, TrtOptions options) throws PeregrineException {
        ResourceStack res = new ResourceStack();
        try {
            return new TrtEngine(load(file, config, options, res));
        } catch (PeregrineException | RuntimeException | Error e) {
            res.close();
            throw e;
        }
    }

    private static Parts load(EngineFile file, EngineConfig config, TrtOptions options, ResourceStack res)
            throws PeregrineException {
        EngineFileHeader h = file.header();
        String fileName = file.path().getFileName().toString();
        if (h.inputs().size() != 1) {
            throw PeregrineException.unsupported(fileName + " has " + h.inputs().size() + " inputs; Peregrine drives engines with one image input");
        }
        Parts p = new Parts();
        p.resources = res;
        p.device = config.device().index();
        p.layout = InputLayout.of(h.inputs().get(0), h.model());
        p.batches = BatchRange.of(p.layout.profile(), config.maxBatch());

        Cuda.setDevice(p.device);
        long freeBefore = Cuda.memInfo()[0];
        ByteBuffer plan = file.readPlan();

        ICudaEngine engine;
        try (TrtLogRouter.ErrorCapture errors = Slf4jTrtLogger.router().capture()) {
            IRuntime runtime = createInferRuntime(Slf4jTrtLogger.instance());
            if (runtime == null || runtime.isNull()) {
                throw failure("createInferRuntime failed" + errors.summary());
            }
            res.push("IRuntime", runtime::deallocate);
            int dla = options.dlaCore() >= 0 ? options.dlaCore() : h.build().dlaCore();
            if (dla >= 0) {
                int cores = runtime.getNbDLACores();
                if (dla >= cores) {
                    throw new PeregrineException(ErrorCode.UNAVAILABLE, fileName + " runs on DLA core " + dla
                            + ", but this device has " + cores + " DLA cores");
                }
                runtime.setDLACore(dla);
            }
            engine = runtime.deserializeCudaEngine(new BytePointer(plan), plan.capacity());
            if (engine == null || engine.isNull()) {
                throw failure("TensorRT could not deserialize " + fileName + errors.summary()
                        + ". Rebuild it on this device with `peregrine export " + h.build().sourceModel() + " --format engine`");
            }
            res.push("ICudaEngine", engine::deallocate);
        }
        checkBindings(engine, h, fileName);

        // Activation memory is allocated here rather than by TensorRT so that close() can give it back.
        long scratchBytes = engine.getDeviceMemorySizeV2();
        DeviceBuffer scratch = DeviceBuffer.allocate("execution context memory", scratchBytes);
        res.push("cudaFree(execution context memory)", scratch::close);
        IExecutionContext context = engine.createExecutionContext(ExecutionContextAllocationStrategy.kUSER_MANAGED);
        if (context == null || context.isNull()) {
            throw failure("createExecutionContext failed: " + Slf4jTrtLogger.router().lastError());
        }
        res.push("IExecutionContext", context::deallocate);
        context.setDeviceMemoryV2(scratch.pointer(), scratchBytes);
        p.context = context;

        p.stream = CudaStream.create();
        res.push("cudaStreamDestroy", p.stream::close);
        p.dims = new Dims64();
        res.push("Dims64", p.dims::close);

        String in = p.layout.name();
        long inBytes = p.layout.bytes(p.batches.max());
        p.inputDevice = DeviceBuffer.allocate(in, inBytes);
        res.push("cudaFree(" + in + ")", p.inputDevice::close);
        p.inputHost = PinnedBuffer.allocate(in, inBytes);
        res.push("cudaFreeHost(" + in + ")", p.inputHost::close);
        bind(context, in, p.inputDevice);

        // Output sizes follow from the largest input shape.
        setInputShape(context, p.dims, p.layout, p.batches.max());
        p.shapeBatch = p.batches.max();
        p.outputs = new ArrayList<>();
        for (EngineTensor t : h.outputs()) {
            if (!t.type().isFloatConvertible()) {
                throw PeregrineException.unsupported(fileName + ": output " + t.name() + " is " + t.type().onnxName()
                        + "; only float32/float16 outputs are supported");
            }
            long[] shape = tensorShape(context, t.name());
            long bytes = Math.multiplyExact(Shapes.elementCount(shape), t.type().bytes());
            DeviceBuffer dev = DeviceBuffer.allocate(t.name(), bytes);
            res.push("cudaFree(" + t.name() + ")", dev::close);
            PinnedBuffer host = PinnedBuffer.allocate(t.name(), bytes);
            res.push("cudaFreeHost(" + t.name() + ")", host::close);
            bind(context, t.name(), dev);
            p.outputs.add(new Output(t.name(), t.type(), dev, host, shape));
        }

        p.bytesAtLoad = freeBefore - Cuda.memInfo()[0];
        ModelInfo m = h.model();
        p.info = new ModelInfo(m.names(), m.task(), m.inputHeight(), m.inputWidth(), m.stride(),
                p.batches.fixed() ? p.batches.max() : -1, m.endToEnd(), m.kptShape(), m.channels(), m.precision(),
                "engine", m.metadata());
        p.inputSpecs = h.inputs().stream().map(EngineTensor::toSpec).toList();
        p.outputSpecs = h.outputs().stream().map(EngineTensor::toSpec).toList();
        BuildTarget target = h.target();
        p.description = "tensorrt-" + target.tensorRt() + " cuda:" + p.device + " (" + target.gpu().name()
                + (h.build().usesDla() ? ", DLA" : "") + ", " + m.precision().name().toLowerCase(java.util.Locale.ROOT) + ")";
        LOG.info("loaded {}: {}, batch {}..{}, {} of device memory", fileName, p.description, p.batches.min(),
                p.batches.max(), CudaErrors.bytes(p.bytesAtLoad));
        return p;
    }

    /** The plan's I/O must be what the header says, or the header belongs to another plan. */
    private static void checkBindings(ICudaEngine engine, EngineFileHeader h, String fileName) throws PeregrineException {
        int n = engine.getNbIOTensors();
        if (n != h.tensors().size()) {
            throw PeregrineException.badInput(fileName + ": the plan has " + n + " inputs/outputs, its header lists "
                    + h.tensors().size() + " (corrupt or mismatched file)");
        }
        for (EngineTensor t : h.tensors()) {
            boolean found = false;
            for (int i = 0; i < n && !found; i++) {
                found = t.name().equals(engine.getIOTensorName(i));
            }
            if (!found) {
                throw PeregrineException.badInput(fileName + ": the plan has no tensor named " + t.name() + " (corrupt or mismatched file)");
            }
            boolean input = engine.getTensorIOMode(t.name()).value == TensorIOMode.kINPUT.value;
            ElementType type = TrtTypes.elementType(engine.getTensorDataType(t.name()));
            if (input != t.input() || type != t.type()) {
                throw PeregrineException.badInput(fileName + ": tensor " + t.name() + " is " + (input ? "an input" : "an output")
                        + " of type " + type.onnxName() + " in the plan, but the header says " + t + " (corrupt or mismatched file)");
            }
        }
    }

    private static void bind(IExecutionContext context, String name, DeviceBuffer buffer) throws PeregrineException {
        if (!context.setTensorAddress(name, buffer.pointer())) {
            throw failure("setTensorAddress(" + name + ") failed: " + Slf4jTrtLogger.router().lastError());
        }
    }

    private static void setInputShape(IExecutionContext context, Dims64 dims, InputLayout layout, int batch)
            throws PeregrineException {
        long[] shape = layout.shape(batch);
        if (!context.setInputShape(layout.name(), TrtTypes.fill(dims, shape))) {
            throw failure("setInputShape(" + layout.name() + ", " + Shapes.format(shape) + ") failed: "
                    + Slf4jTrtLogger.router().lastError());
        }
    }

    private static long[] tensorShape(IExecutionContext context, String name) throws PeregrineException {
        try (Dims64 d = context.getTensorShape(name)) {
            long[] shape = TrtTypes.shape(d);
            for (long dim : shape) {
                if (dim < 0) {
                    throw failure("output " + name + " has shape " + Shapes.format(shape) + " after setting the input shape");
                }
            }
            return shape;
        }
    }

    private static PeregrineException failure(String message) {
        return new PeregrineException(ErrorCode.ENGINE_FAILURE, message);
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public List<TensorSpec> inputs() {
        return inputSpecs;
    }

    @Override
    public List<TensorSpec> outputs() {
        return outputSpecs;
    }

    @Override
    public int maxBatch() {
        return batches.max();
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public int deviceIndex() {
        return device;
    }

    @Override
    public long deviceBytesAtLoad() {
        return bytesAtLoad;
    }

    @Override
    public synchronized EngineOutputs run(FloatBuffer input, int batch) throws PeregrineException {
        if (closed) {
            throw failure("engine is closed");
        }
        int runBatch = batches.runBatch(batch);
        int need = Math.toIntExact(layout.imageElements() * batch);
        if (input.remaining() < need) {
            throw PeregrineException.badInput("input holds " + input.remaining() + " floats, a batch of " + batch
                    + " images of " + Shapes.format(layout.imageDims()) + " needs " + need);
        }
        Cuda.setDevice(device);
        if (inputFloats != null) {
            inputFloats.put(0, input, input.position(), need);
        } else {
            int base = input.position();
            for (int i = 0; i < need; i++) {
                inputHalves.put(i, Half.fromFloat(input.get(base + i)));
            }
        }
        if (runBatch != shapeBatch) {
            setInputShape(context, dims, layout, runBatch);
            shapeBatch = runBatch;
            for (Output o : outputs) {
                o.shape = tensorShape(context, o.name);
            }
        }
        long inBytes = (long) need * layout.type().bytes();
        Cuda.check(cudaMemcpyAsync(inputDevice.pointer(), inputHost.pointer(), inBytes, cudaMemcpyHostToDevice,
                stream.handle()), "cudaMemcpyAsync(" + layout.name() + " to device)");
        if (!context.enqueueV3(stream.handle())) {
            throw failure("enqueueV3 failed: " + Slf4jTrtLogger.router().lastError());
        }
        List<EngineOutputs.OutputTensor> result = new ArrayList<>(outputs.size());
        for (Output o : outputs) {
            // Extra slots of a padded batch are not copied back or returned.
            long[] shape = o.shape.clone();
            if (shape.length > 0 && shape[0] == runBatch) {
                shape[0] = batch;
            }
            long elements = Shapes.elementCount(shape);
            Cuda.check(cudaMemcpyAsync(o.host.pointer(), o.device.pointer(), elements * o.type.bytes(),
                    cudaMemcpyDeviceToHost, stream.handle()), "cudaMemcpyAsync(" + o.name + " to host)");
            result.add(new EngineOutputs.OutputTensor(o.name, shape, o.floats));
        }
        stream.synchronize("enqueueV3");
        for (int i = 0; i < outputs.size(); i++) {
            Output o = outputs.get(i);
            int n = Math.toIntExact(Shapes.elementCount(result.get(i).shape()));
            if (o.halves != null) {
                for (int k = 0; k < n; k++) {
                    o.floats.put(k, Half.toFloat(o.halves.get(k)));
                }
            }
            o.floats.clear().limit(n);
        }
        return new EngineOutputs(result);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Cuda.setDevice(device);
            stream.synchronize("close");
        } catch (PeregrineException | RuntimeException e) {
            LOG.warn("waiting for the stream before freeing {} failed: {}", description, e.getMessage());
        }
        resources.close();
    }
}
