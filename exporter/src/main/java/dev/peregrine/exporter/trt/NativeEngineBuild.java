package dev.peregrine.exporter.trt;

import static org.bytedeco.tensorrt.global.nvinfer.createInferBuilder;
import static org.bytedeco.tensorrt.global.nvonnxparser.createParser;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.trt.BuildSettings;
import dev.peregrine.engines.trt.BuildTarget;
import dev.peregrine.engines.trt.Cuda;
import dev.peregrine.engines.trt.ElementType;
import dev.peregrine.engines.trt.EngineFileHeader;
import dev.peregrine.engines.trt.EngineTensor;
import dev.peregrine.engines.trt.ResourceStack;
import dev.peregrine.engines.trt.ShapeProfile;
import dev.peregrine.engines.trt.Shapes;
import dev.peregrine.engines.trt.Slf4jTrtLogger;
import dev.peregrine.engines.trt.TrtAvailability;
import dev.peregrine.engines.trt.TrtLibrary;
import dev.peregrine.engines.trt.TrtLogRouter;
import dev.peregrine.engines.trt.TrtTypes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.tensorrt.global.nvinfer.BuilderFlag;
import org.bytedeco.tensorrt.global.nvinfer.DeviceType;
import org.bytedeco.tensorrt.global.nvinfer.MemoryPoolType;
import org.bytedeco.tensorrt.global.nvinfer.NetworkDefinitionCreationFlag;
import org.bytedeco.tensorrt.global.nvinfer.OptProfileSelector;
import org.bytedeco.tensorrt.global.nvonnxparser;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.IBuilder;
import org.bytedeco.tensorrt.nvinfer.IBuilderConfig;
import org.bytedeco.tensorrt.nvinfer.IHostMemory;
import org.bytedeco.tensorrt.nvinfer.ILogger;
import org.bytedeco.tensorrt.nvinfer.INetworkDefinition;
import org.bytedeco.tensorrt.nvinfer.IOptimizationProfile;
import org.bytedeco.tensorrt.nvinfer.ITensor;
import org.bytedeco.tensorrt.nvinfer.ITimingCache;
import org.bytedeco.tensorrt.nvonnxparser.IParser;
import org.bytedeco.tensorrt.nvonnxparser.IParserError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TensorRT half of {@link TrtEngineBuilder}: builder, strongly typed network, ONNX parser, builder config
 * (workspace, DLA, TF32, optimization profile, timing cache), {@code buildSerializedNetwork}, and the engine file.
 * Uses only API present in TensorRT 10 and 11. Native: reached only after {@code TrtNatives.require()}.
 *
 * <p>The TensorRT objects are released with {@code deallocate()}, which the javacpp presets 1.5.14 map to nothing
 * for objects TensorRT creates (javacpp-presets issue 1699); a build is a one-shot CLI operation, so the leak ends
 * with the process. See docs/GPU.md.
 */
final class NativeEngineBuild {
    private static final Logger LOG = LoggerFactory.getLogger(NativeEngineBuild.class);
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private NativeEngineBuild() {
    }

    static EngineBuildResult run(EngineBuildOptions o, OnnxModelSummary onnx, ModelInfo info, ShapeProfile profile,
                                 BuildProgress progress, long startNanos) throws PeregrineException {
        String file = o.onnx().getFileName().toString();
        try {
            Loader.load(nvonnxparser.class);
        } catch (LinkageError e) {
            throw new TrtAvailability(TrtAvailability.Status.NO_NATIVES,
                    "ONNX parser: " + e.getClass().getSimpleName() + ": " + e.getMessage()).toException();
        }
        Cuda.setDevice(o.device());
        BuildTarget target = TrtLibrary.target(o.device());
        TrtLogRouter router = Slf4jTrtLogger.router();
        try (ResourceStack res = new ResourceStack(); TrtLogRouter.ErrorCapture errors = router.capture()) {
            progress.phase(2, TrtEngineBuilder.PHASES, "parsing " + file + " with TensorRT " + target.tensorRt() + " on " + target.gpu().name());
            IBuilder builder = createInferBuilder(Slf4jTrtLogger.instance());
            if (builder == null || builder.isNull()) {
                throw failure("createInferBuilder failed" + errors.summary());
            }
            res.push("IBuilder", builder::deallocate);
            BuildPreflight.checkDevice(o, onnx, profile, new BuildDevice(target.gpu(), builder.getNbDLACores()));

            // Strongly typed: layer precisions come from the ONNX (FP16 weights, Q/DQ nodes); TensorRT 11 has no other mode.
            INetworkDefinition network = builder.createNetworkV2(1 << NetworkDefinitionCreationFlag.kSTRONGLY_TYPED.value);
            if (network == null || network.isNull()) {
                throw failure("createNetworkV2(kSTRONGLY_TYPED) failed" + errors.summary());
            }
            res.push("INetworkDefinition", network::deallocate);
            IParser parser = createParser(network, Slf4jTrtLogger.instance());
            if (parser == null || parser.isNull()) {
                throw failure("createParser failed" + errors.summary());
            }
            res.push("IParser", parser::deallocate);
            if (!parser.parseFromFile(o.onnx().toAbsolutePath().toString(), ILogger.Severity.kWARNING.value)) {
                throw new PeregrineException(ErrorCode.UNSUPPORTED, "TensorRT " + target.tensorRt() + " cannot parse " + file
                        + ": " + parserErrors(parser) + errors.summary());
            }
            if (network.getNbInputs() != 1) {
                throw PeregrineException.unsupported(file + " has " + network.getNbInputs() + " inputs in TensorRT; one image input expected");
            }
            ITensor input = network.getInput(0);
            long[] netShape;
            try (Dims64 d = input.getDimensions()) {
                netShape = TrtTypes.shape(d);
            }

            progress.phase(3, TrtEngineBuilder.PHASES, "building the engine (TensorRT tunes kernels for this GPU; this takes minutes)");
            IBuilderConfig config = builder.createBuilderConfig();
            if (config == null || config.isNull()) {
                throw failure("createBuilderConfig failed" + errors.summary());
            }
            res.push("IBuilderConfig", config::deallocate);
            configure(builder, config, o, input.getName(), netShape, profile);
            ITimingCache cache = o.timingCache() != null ? loadTimingCache(config, o.timingCache()) : null;

            IHostMemory plan;
            try (Heartbeat hb = Heartbeat.start(progress, "building the engine", HEARTBEAT)) {
                plan = builder.buildSerializedNetwork(network, config);
            }
            if (plan == null || plan.isNull() || plan.size() == 0) {
                throw failure("TensorRT could not build an engine from " + file + errors.summary());
            }
            res.push("IHostMemory(plan)", plan::deallocate);
            boolean cacheWritten = false;
            if (cache != null) {
                saveTimingCache(config, o.timingCache(), res);
                cacheWritten = true;
            }

            progress.phase(4, TrtEngineBuilder.PHASES, "writing " + o.output());
            List<EngineTensor> tensors = new ArrayList<>();
            tensors.add(new EngineTensor(input.getName(), true, TrtTypes.elementType(input.getType()), netShape, profile));
            for (int i = 0; i < network.getNbOutputs(); i++) {
                ITensor out = network.getOutput(i);
                try (Dims64 d = out.getDimensions()) {
                    tensors.add(new EngineTensor(out.getName(), false, TrtTypes.elementType(out.getType()), TrtTypes.shape(d), null));
                }
            }
            ModelInfo recorded = new ModelInfo(info.names(), info.task(), info.inputHeight(), info.inputWidth(), info.stride(),
                    profile.isFixed() ? (int) profile.max()[0] : -1, info.endToEnd(), info.kptShape(), info.channels(),
                    info.precision(), "engine", info.metadata());
            BuildSettings settings = new BuildSettings(file, o.workspaceBytes(), o.dlaCore(), o.gpuFallback(),
                    o.timingCache() == null ? null : o.timingCache().toString(), Instant.now().toString());
            EngineFileHeader header = EngineFileHeader.of(recorded, target, settings, tensors);
            EngineFileHeader.write(o.output(), header, view(plan));
            Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
            LOG.info("built {} from {} in {} s: {}", o.output(), file, took.toSeconds(), tensors);
            return new EngineBuildResult(o.output(), header, plan.size(), took, cacheWritten);
        }
    }

    private static void configure(IBuilder builder, IBuilderConfig config, EngineBuildOptions o, String inputName,
                                  long[] netShape, ShapeProfile profile) throws PeregrineException {
        if (o.workspaceBytes() > 0) {
            config.setMemoryPoolLimit(MemoryPoolType.kWORKSPACE, o.workspaceBytes());
        }
        if (!o.allowTf32()) {
            // An FP32 ONNX means FP32 math: TF32 (on by default) would lose about three digits.
            config.clearFlag(BuilderFlag.kTF32);
        }
        if (o.dlaCore() >= 0) {
            config.setDefaultDeviceType(DeviceType.kDLA);
            config.setDLACore(o.dlaCore());
            if (o.gpuFallback()) {
                config.setFlag(BuilderFlag.kGPU_FALLBACK);
            }
        }
        boolean dynamic = Arrays.stream(netShape).anyMatch(d -> d < 0);
        if (!dynamic) {
            if (!profile.isFixed() || !Arrays.equals(profile.max(), netShape)) {
                throw PeregrineException.badInput("input " + inputName + " is static (" + Shapes.format(netShape)
                        + ") in TensorRT's view, but the requested profile is " + profile);
            }
            return;
        }
        IOptimizationProfile p = builder.createOptimizationProfile();
        try (Dims64 min = TrtTypes.fill(new Dims64(), profile.min());
             Dims64 opt = TrtTypes.fill(new Dims64(), profile.opt());
             Dims64 max = TrtTypes.fill(new Dims64(), profile.max())) {
            if (!p.setDimensions(inputName, OptProfileSelector.kMIN, min)
                    || !p.setDimensions(inputName, OptProfileSelector.kOPT, opt)
                    || !p.setDimensions(inputName, OptProfileSelector.kMAX, max)) {
                throw PeregrineException.badInput("TensorRT refused the profile " + profile + " for input " + inputName + ": "
                        + Slf4jTrtLogger.router().lastError());
            }
        }
        if (config.addOptimizationProfile(p) < 0) {
            throw PeregrineException.badInput("TensorRT refused the optimization profile " + profile + ": "
                    + Slf4jTrtLogger.router().lastError());
        }
    }

    /** Reads the cache file when it exists (else starts empty) and attaches it to the config. */
    private static ITimingCache loadTimingCache(IBuilderConfig config, Path file) throws PeregrineException {
        ITimingCache cache;
        if (Files.isRegularFile(file)) {
            byte[] blob;
            try {
                blob = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new PeregrineException(ErrorCode.BAD_INPUT, "cannot read timing cache " + file + ": " + e.getMessage(), e);
            }
            try (BytePointer p = new BytePointer(blob)) {
                cache = config.createTimingCache(p, blob.length);
            }
            LOG.info("timing cache {}: {} bytes loaded", file, blob.length);
        } else {
            cache = config.createTimingCache(null, 0);
            LOG.info("timing cache {} does not exist yet: starting an empty one", file);
        }
        if (cache == null || cache.isNull()) {
            throw PeregrineException.badInput("timing cache " + file + " is not usable (another TensorRT version or corrupt): "
                    + "delete it and build again: " + Slf4jTrtLogger.router().lastError());
        }
        if (!config.setTimingCache(cache, false)) {
            throw PeregrineException.badInput("timing cache " + file + " does not match this TensorRT/GPU: delete it and build again");
        }
        return cache;
    }

    private static void saveTimingCache(IBuilderConfig config, Path file, ResourceStack res) throws PeregrineException {
        ITimingCache cache = config.getTimingCache();
        IHostMemory blob = cache == null ? null : cache.serialize();
        if (blob == null || blob.isNull()) {
            throw failure("could not serialize the timing cache for " + file);
        }
        res.push("IHostMemory(timing cache)", blob::deallocate);
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".part");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer b = view(blob);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            LOG.info("timing cache {}: {} bytes written", file, blob.size());
        } catch (IOException e) {
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "cannot write timing cache " + file + ": " + e.getMessage(), e);
        }
    }

    private static String parserErrors(IParser parser) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < parser.getNbErrors(); i++) {
            IParserError e = parser.getError(i);
            out.add((e.node() >= 0 ? "node " + e.node() + ": " : "") + e.desc());
        }
        return out.isEmpty() ? "no parser error reported" : String.join("; ", out);
    }

    /** The bytes of TensorRT host memory as a buffer (no copy); valid while {@code mem} lives. */
    private static ByteBuffer view(IHostMemory mem) throws PeregrineException {
        long n = mem.size();
        if (n > Integer.MAX_VALUE) {
            throw PeregrineException.unsupported("TensorRT produced " + n + " bytes; files over 2 GiB are not supported");
        }
        return new BytePointer(mem.data()).capacity(n).limit(n).asByteBuffer();
    }

    private static PeregrineException failure(String message) {
        return new PeregrineException(ErrorCode.ENGINE_FAILURE, message);
    }
}
