package dev.peregrine.bench;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A model format {@code peregrine bench} can measure: a runtime (ONNX Runtime or TensorRT) and the precision of the
 * artifact it runs. Written on the command line as {@code onnx-fp32}, {@code trt-int8}...
 */
public enum BenchFormat {
    ONNX_FP32(Runtime.ONNX, Precision.FP32),
    ONNX_FP16(Runtime.ONNX, Precision.FP16),
    ONNX_INT8(Runtime.ONNX, Precision.INT8),
    TRT_FP32(Runtime.TENSORRT, Precision.FP32),
    TRT_FP16(Runtime.TENSORRT, Precision.FP16),
    TRT_INT8(Runtime.TENSORRT, Precision.INT8);

    /** Which engine runs the format. */
    public enum Runtime {
        /** ONNX Runtime (CPU, or CUDA on a GPU build). */
        ONNX("onnx"),
        /** Native TensorRT engines (GPU only). */
        TENSORRT("trt");

        private final String prefix;

        Runtime(String prefix) {
            this.prefix = prefix;
        }
    }

    private final Runtime runtime;
    private final Precision precision;

    BenchFormat(Runtime runtime, Precision precision) {
        this.runtime = runtime;
        this.precision = precision;
    }

    /** The engine family. */
    public Runtime runtime() {
        return runtime;
    }

    /** The precision of the artifact. */
    public Precision precision() {
        return precision;
    }

    /** The command-line and report name, e.g. {@code onnx-fp16}. */
    public String id() {
        return runtime.prefix + "-" + precision.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return id();
    }

    /**
     * Parses one format name (case-insensitive, {@code _} accepted for {@code -}).
     *
     * @throws PeregrineException BAD_INPUT naming the accepted formats
     */
    public static BenchFormat parse(String text) throws PeregrineException {
        String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (BenchFormat f : values()) {
            if (f.id().equals(t)) {
                return f;
            }
        }
        throw PeregrineException.badInput("unknown format '" + text + "' (expected one of "
                + Arrays.stream(values()).map(BenchFormat::id).collect(Collectors.joining(", ")) + ")");
    }

    /** The format with {@code id}, or null for an unknown id. */
    public static BenchFormat parseOrNull(String id) {
        for (BenchFormat f : values()) {
            if (f.id().equals(id)) {
                return f;
            }
        }
        return null;
    }

    /**
     * Parses a comma-separated list, keeping the first occurrence of repeated names.
     *
     * @throws PeregrineException BAD_INPUT for an empty list or an unknown name
     */
    public static List<BenchFormat> parseList(String csv) throws PeregrineException {
        Set<BenchFormat> out = new LinkedHashSet<>();
        for (String part : csv.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            out.add(parse(part));
        }
        if (out.isEmpty()) {
            throw PeregrineException.badInput("--formats needs at least one format, got '" + csv + "'");
        }
        return new ArrayList<>(out);
    }
}
