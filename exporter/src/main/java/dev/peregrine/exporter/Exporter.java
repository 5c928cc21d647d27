package dev.peregrine.exporter;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import dev.peregrine.engines.Task;
import dev.peregrine.exporter.modules.EmitContext;
import dev.peregrine.exporter.modules.EmitterRegistry;
import dev.peregrine.exporter.modules.LayerWalker;
import dev.peregrine.exporter.onnx.OnnxGraphBuilder;
import dev.peregrine.exporter.onnx.OnnxModels;
import dev.peregrine.exporter.onnx.Value;
import dev.peregrine.exporter.pt.PtCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports an Ultralytics {@code .pt} checkpoint to ONNX in pure Java: reads the module tree, emits one block of nodes
 * per module (BatchNorm folded into the convolutions), decodes the head like Ultralytics' export mode and writes the
 * model with Ultralytics' metadata. The output is numerically the graph Ultralytics exports (same input/output names
 * and layout) and is byte-for-byte reproducible.
 */
public final class Exporter {
    /** Detections an end-to-end head keeps (Ultralytics' {@code max_det} default). */
    public static final int MAX_DET = 300;
    /** Version written as the ONNX producer version. */
    public static final String PRODUCER_VERSION = "0.1.0";
    private static final Logger LOG = LoggerFactory.getLogger(Exporter.class);

    private Exporter() {
    }

    /** An exported model in memory, before it is written. */
    public record ExportedModel(ModelProto model, ModelInfo info) {
    }

    /**
     * Exports {@code pt} to an ONNX file ({@link ExportOptions#output()}, default: beside the checkpoint with the
     * extension {@code .onnx}).
     */
    public static ExportResult export(Path pt, ExportOptions options, ProgressListener progress)
            throws PeregrineException {
        long start = System.nanoTime();
        ProgressListener p = progress == null ? ProgressListener.NONE : progress;
        ExportedModel exported = buildModel(pt, options, p, EmitterRegistry.standard());
        Path out = options.output() != null ? options.output() : defaultOutput(pt);
        p.stage("writing " + out);
        long bytes = OnnxModels.write(exported.model(), out);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        LOG.debug("exported {} to {} ({} bytes) in {} ms", pt, out, bytes, took.toMillis());
        return new ExportResult(out, exported.info(), took);
    }

    /** The default output: the checkpoint's path with {@code .pt} replaced by {@code .onnx}. */
    public static Path defaultOutput(Path pt) {
        String name = pt.getFileName().toString();
        String stem = name.toLowerCase(Locale.ROOT).endsWith(".pt") ? name.substring(0, name.length() - 3) : name;
        return pt.resolveSibling(stem + ".onnx");
    }

    /**
     * Builds the ONNX model of {@code pt} without writing it, with the emitters of {@code registry} (the standard
     * registry, or one extended with further heads).
     */
    public static ExportedModel buildModel(Path pt, ExportOptions options, ProgressListener progress,
            EmitterRegistry registry) throws PeregrineException {
        validate(options);
        if (!Files.isRegularFile(pt)) {
            throw PeregrineException.notFound("checkpoint not found: " + pt);
        }
        progress.stage("reading " + pt.getFileName());
        UltralyticsModel model = UltralyticsModel.of(PtCheckpoint.read(pt), pt);
        int stride = model.maxStride();
        int[] hw = imgsz(options, model, stride);
        int opset = options.opset() == null ? OnnxModels.DEFAULT_OPSET : options.opset();
        Task task = model.task();
        progress.stage(String.format(Locale.ROOT, "building graph: %s %s, %d layers, %dx%d%s, opset %d",
                model.prettyName(), task.ultralyticsName(), model.layers().children().size(), hw[0], hw[1],
                options.dynamic() ? " dynamic" : ", batch " + options.batch(), opset));

        OnnxGraphBuilder g = new OnnxGraphBuilder(opset);
        boolean dyn = options.dynamic();
        int channels = model.channels();
        Value images = g.addInput("images", new long[] {dyn ? -1 : options.batch(), channels, dyn ? -1 : hw[0],
            dyn ? -1 : hw[1]}, dyn ? new String[] {"batch", null, "height", "width"} : null);
        EmitContext ctx = new EmitContext(g, registry, dyn, MAX_DET);
        List<Value> outs = LayerWalker.emit(ctx, model.layers(), "model", images, progress);
        List<Value> named = new ArrayList<>();
        for (int i = 0; i < outs.size(); i++) {
            Value v = outs.get(i);
            named.add(g.addOutput(v, "output" + i, v.shape(), dimParams(v, dyn)));
        }
        Map<String, String> metadata = ExportMetadata.of(model, hw[0], hw[1], options);
        ModelProto proto = OnnxModels.assemble(g.build("main_graph"), opset, PRODUCER_VERSION, metadata);
        proto = applyPrecision(proto, options.precision());
        LOG.debug("graph of {}: {} nodes, outputs {}", pt, g.nodeCount(), named);
        ModelInfo info = new ModelInfo(model.names(), task, hw[0], hw[1], stride, dyn ? -1 : options.batch(),
                model.endToEnd(), kptShape(model), channels, options.precision(), "onnx", metadata);
        return new ExportedModel(proto, info);
    }

    /**
     * Where the precision passes plug in. FP16 conversion and INT8 Q/DQ insertion belong to
     * {@code dev.peregrine.exporter.precision}; until they are there, any precision but FP32 is refused.
     */
    static ModelProto applyPrecision(ModelProto fp32, Precision precision) throws PeregrineException {
        if (precision == Precision.FP32) {
            return fp32;
        }
        throw PeregrineException.unsupported("precision " + precision.name().toLowerCase(Locale.ROOT)
                + " is not available yet; export fp32");
    }

    private static void validate(ExportOptions o) throws PeregrineException {
        if (o.batch() < 1) {
            throw PeregrineException.badInput("batch must be at least 1, got " + o.batch());
        }
        if (o.height() < 0 || o.width() < 0 || (o.height() == 0) != (o.width() == 0)) {
            throw PeregrineException.badInput("image size must be positive, got " + o.height() + "x" + o.width());
        }
        if (o.opset() != null && (o.opset() < OnnxModels.MIN_OPSET || o.opset() > OnnxModels.MAX_OPSET)) {
            throw PeregrineException.badInput("opset " + o.opset() + " is not supported; use "
                    + OnnxModels.MIN_OPSET + " to " + OnnxModels.MAX_OPSET);
        }
    }

    private static int[] imgsz(ExportOptions o, UltralyticsModel model, int stride) throws PeregrineException {
        int[] hw = o.height() > 0 ? new int[] {o.height(), o.width()} : model.trainImgsz();
        if (hw[0] % stride != 0 || hw[1] % stride != 0) {
            throw PeregrineException.badInput("image size " + hw[0] + "x" + hw[1] + " is not a multiple of the model's"
                    + " stride " + stride + "; use for example " + roundUp(hw[0], stride) + "x"
                    + roundUp(hw[1], stride));
        }
        return hw;
    }

    private static int roundUp(int v, int m) {
        return Math.max(m, (v + m - 1) / m * m);
    }

    /** Symbolic names of an output's dynamic axes, Ultralytics' choice: batch, anchors, mask height/width. */
    private static String[] dimParams(Value v, boolean dynamic) {
        long[] s = v.shape();
        if (!dynamic) {
            for (long d : s) {
                if (d < 0) {
                    throw new IllegalStateException("static export left a dynamic dimension in " + v);
                }
            }
            return null;
        }
        String[] names = new String[s.length];
        for (int i = 0; i < s.length; i++) {
            if (s[i] >= 0) {
                continue;
            }
            if (i == 0) {
                names[i] = "batch";
            } else if (s.length == 4) {
                names[i] = i == 2 ? "mask_height" : "mask_width";
            } else {
                names[i] = "anchors";
            }
        }
        return names;
    }

    private static int[] kptShape(UltralyticsModel model) {
        List<?> k = model.kptShape();
        if (k == null) {
            return new int[0];
        }
        return k.stream().mapToInt(x -> ((Number) x).intValue()).toArray();
    }
}
