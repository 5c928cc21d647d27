package dev.peregrine.engines.ort;

import dev.peregrine.engines.EngineOptions;
import java.nio.file.Path;

/**
 * Typed options of the ONNX Runtime engine.
 *
 * @param provider         execution provider; {@link ExecutionProvider#AUTO} follows the config's
 *                         {@link dev.peregrine.engines.Device} (CPU, or CUDA for a CUDA device)
 * @param intraOpThreads   threads used inside one operator (0 = one per available core)
 * @param interOpThreads   threads running independent operators in parallel (0 = ONNX Runtime's default);
 *                         only used with parallel execution, which YOLO graphs gain nothing from
 * @param optimization     graph optimization level applied when the session is created
 * @param trtEngineCache   directory where the TensorRT execution provider caches built engines, or null for none
 *                         (building takes minutes, so servers should set it)
 * @param trtFp16          let the TensorRT execution provider run layers in FP16
 */
public record OrtOptions(ExecutionProvider provider, int intraOpThreads, int interOpThreads,
        Optimization optimization, Path trtEngineCache, boolean trtFp16) implements EngineOptions {

    /** Which ONNX Runtime execution provider runs the graph. */
    public enum ExecutionProvider {
        /** CPU for a CPU device, CUDA for a CUDA device. */
        AUTO,
        /** The default CPU provider (MLAS kernels). */
        CPU,
        /** NVIDIA CUDA provider (needs the {@code onnxruntime_gpu} jar, a GPU and CUDA/cuDNN libraries). */
        CUDA,
        /** NVIDIA TensorRT provider, with CUDA as fallback for unsupported nodes (needs TensorRT libraries too). */
        TENSORRT
    }

    /** Graph optimization levels, as ONNX Runtime defines them. */
    public enum Optimization {
        /** No graph rewrites. */
        NONE,
        /** Constant folding and redundant-node removal. */
        BASIC,
        /** Basic plus node fusions. */
        EXTENDED,
        /** Everything, including layout optimizations (ONNX Runtime's default). */
        ALL
    }

    public OrtOptions {
        if (provider == null) {
            provider = ExecutionProvider.AUTO;
        }
        if (optimization == null) {
            optimization = Optimization.ALL;
        }
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException("thread counts must be >= 0 (0 = default), got intra "
                    + intraOpThreads + ", inter " + interOpThreads);
        }
    }

    /** AUTO provider, one intra-op thread per core, full optimization, no TensorRT cache, FP32. */
    public static OrtOptions defaults() {
        return new OrtOptions(ExecutionProvider.AUTO, 0, 0, Optimization.ALL, null, false);
    }

    /** A copy with another execution provider. */
    public OrtOptions withProvider(ExecutionProvider p) {
        return new OrtOptions(p, intraOpThreads, interOpThreads, optimization, trtEngineCache, trtFp16);
    }

    /** A copy with another intra-op thread count (0 = one per core). */
    public OrtOptions withIntraOpThreads(int n) {
        return new OrtOptions(provider, n, interOpThreads, optimization, trtEngineCache, trtFp16);
    }

    /** A copy with a TensorRT engine cache directory and FP16 flag. */
    public OrtOptions withTensorRt(Path cacheDir, boolean fp16) {
        return new OrtOptions(provider, intraOpThreads, interOpThreads, optimization, cacheDir, fp16);
    }

    /** The intra-op thread count to configure: the option, or the number of available cores when it is 0. */
    public int effectiveIntraOpThreads() {
        return intraOpThreads > 0 ? intraOpThreads : Runtime.getRuntime().availableProcessors();
    }
}
