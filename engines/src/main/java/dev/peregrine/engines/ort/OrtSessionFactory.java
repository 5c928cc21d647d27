package dev.peregrine.engines.ort;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtTensorRTProviderOptions;
import dev.peregrine.engines.Device;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.ort.OrtOptions.ExecutionProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;

/**
 * Turns {@link OrtOptions} and a {@link Device} into an ONNX Runtime session: picks the execution provider, checks
 * that the ONNX Runtime build on the class path has it, and maps provider failures to
 * {@link ErrorCode#UNAVAILABLE} with a message that says what is missing.
 */
final class OrtSessionFactory {
    private OrtSessionFactory() {
    }

    /** The execution provider that {@code options} select on {@code device}. */
    static ExecutionProvider resolve(OrtOptions options, Device device) throws PeregrineException {
        ExecutionProvider p = options.provider();
        if (p == ExecutionProvider.AUTO) {
            return device.kind() == Device.Kind.CUDA ? ExecutionProvider.CUDA : ExecutionProvider.CPU;
        }
        boolean gpuProvider = p != ExecutionProvider.CPU;
        if (gpuProvider != (device.kind() == Device.Kind.CUDA)) {
            throw PeregrineException.badInput("ONNX Runtime provider " + p + " does not run on device " + device
                    + " (use provider AUTO, or a CUDA device for CUDA/TENSORRT)");
        }
        return p;
    }

    /**
     * Creates a session. The returned session options must be closed after the session (the session uses them).
     *
     * @throws PeregrineException UNAVAILABLE when the provider is missing from the ONNX Runtime build or cannot
     *                            start (no GPU, missing CUDA/TensorRT libraries); BAD_INPUT when ONNX Runtime
     *                            rejects the model file
     */
    static Opened open(Path model, OrtOptions options, Device device) throws PeregrineException {
        ExecutionProvider provider = resolve(options, device);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        try {
            so.setIntraOpNumThreads(options.effectiveIntraOpThreads());
            if (options.interOpThreads() > 0) {
                so.setInterOpNumThreads(options.interOpThreads());
            }
            so.setOptimizationLevel(optLevel(options.optimization()));
            addProvider(so, provider, options, device);
            OrtSession session;
            try {
                session = env.createSession(model.toString(), so);
            } catch (OrtException e) {
                if (provider != ExecutionProvider.CPU && mentionsProvider(e.getMessage())) {
                    throw unavailable(provider, device, e.getMessage());
                }
                throw new PeregrineException(ErrorCode.BAD_INPUT, "ONNX Runtime cannot load " + model.getFileName()
                        + ": " + firstLine(e.getMessage()), e);
            }
            return new Opened(env, session, so, provider);
        } catch (PeregrineException | RuntimeException e) {
            so.close();
            throw e;
        } catch (OrtException e) {
            so.close();
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "ONNX Runtime session options failed: "
                    + e.getMessage(), e);
        }
    }

    /** A created session with the options it was created from and the provider that runs it. */
    record Opened(OrtEnvironment env, OrtSession session, OrtSession.SessionOptions options,
            ExecutionProvider provider) {
    }

    private static void addProvider(OrtSession.SessionOptions so, ExecutionProvider provider, OrtOptions options,
            Device device) throws PeregrineException, OrtException {
        if (provider == ExecutionProvider.CPU) {
            return; // the CPU provider is always registered last by ONNX Runtime
        }
        EnumSet<OrtProvider> available = OrtEnvironment.getAvailableProviders();
        OrtProvider needed = provider == ExecutionProvider.TENSORRT ? OrtProvider.TENSOR_RT : OrtProvider.CUDA;
        if (!available.contains(needed)) {
            throw new PeregrineException(ErrorCode.UNAVAILABLE, "the ONNX Runtime library on the class path has no "
                    + displayName(provider) + " execution provider (" + needed.getName() + "; available: "
                    + available + "); it is the CPU-only build "
                    + "(com.microsoft.onnxruntime:onnxruntime). Build with -Pgpu for onnxruntime_gpu, or use "
                    + "--device cpu");
        }
        try {
            if (provider == ExecutionProvider.TENSORRT) {
                try (OrtTensorRTProviderOptions trt = new OrtTensorRTProviderOptions(device.index())) {
                    if (options.trtFp16()) {
                        trt.add("trt_fp16_enable", "1");
                    }
                    if (options.trtEngineCache() != null) {
                        Files.createDirectories(options.trtEngineCache());
                        trt.add("trt_engine_cache_enable", "1");
                        trt.add("trt_engine_cache_path", options.trtEngineCache().toAbsolutePath().toString());
                    }
                    so.addTensorrt(trt);
                }
            }
            // CUDA runs the graph, or with TensorRT first, the nodes TensorRT does not take.
            so.addCUDA(device.index());
        } catch (OrtException e) {
            throw unavailable(provider, device, e.getMessage());
        } catch (IOException e) {
            throw new PeregrineException(ErrorCode.BAD_INPUT, "cannot create the TensorRT engine cache directory "
                    + options.trtEngineCache() + ": " + e.getMessage(), e);
        }
    }

    private static String displayName(ExecutionProvider p) {
        return p == ExecutionProvider.TENSORRT ? "TensorRT" : p.name();
    }

    private static PeregrineException unavailable(ExecutionProvider provider, Device device, String detail) {
        return new PeregrineException(ErrorCode.UNAVAILABLE, "ONNX Runtime " + displayName(provider) + " execution provider "
                + "cannot start on " + device + " (no GPU, or CUDA/cuDNN" + (provider == ExecutionProvider.TENSORRT
                ? "/TensorRT" : "") + " libraries missing): " + firstLine(detail) + "; use --device cpu");
    }

    private static boolean mentionsProvider(String message) {
        String m = message == null ? "" : message.toLowerCase(java.util.Locale.ROOT);
        return m.contains("cuda") || m.contains("tensorrt") || m.contains("cudnn");
    }

    private static OrtSession.SessionOptions.OptLevel optLevel(OrtOptions.Optimization o) {
        return switch (o) {
            case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
            case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
            case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
            case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
        };
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
