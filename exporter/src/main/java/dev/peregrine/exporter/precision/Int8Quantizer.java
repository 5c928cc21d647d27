package dev.peregrine.exporter.precision;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.image.ImageDecoder;
import dev.peregrine.engines.image.InputBatch;
import dev.peregrine.engines.image.LetterboxedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Post-training static INT8 quantization: plans Q/DQ placement ({@link QdqPlan}), runs the float model with ONNX
 * Runtime over letterboxed calibration images (streamed one batch at a time) while observing every activation that
 * will be quantized, derives one clipping threshold per scale group, and rewrites the graph ({@link QdqRewriter}).
 */
final class Int8Quantizer {
    private static final Logger LOG = LoggerFactory.getLogger(Int8Quantizer.class);

    private Int8Quantizer() {
    }

    static ModelProto quantize(ModelProto model, CalibrationSource source, Int8Options options,
                               CalibrationListener listener) throws PeregrineException {
        CalibrationListener progress = listener == null ? CalibrationListener.NONE : listener;
        GraphIndex ix = new GraphIndex(model.getGraph());
        ix.requireNoSubgraphs("INT8");
        if (ix.isQuantized()) {
            throw PeregrineException.badInput("the model is already quantized (it has Q/DQ or integer operators)");
        }
        for (TensorProto t : ix.initializers.values()) {
            if (t.getDataType() == TensorData.FLOAT16) {
                throw PeregrineException.badInput("the model holds FP16 weights ('" + t.getName()
                        + "'): quantize the float32 model instead");
            }
        }
        long opset = 0;
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                opset = o.getVersion();
            }
        }
        if (opset < 13) {
            throw PeregrineException.unsupported("INT8 needs opset 13 or newer (per-channel DequantizeLinear); the "
                    + "model has opset " + opset + ": export it again with --opset 13 or newer");
        }

        Map<String, TensorType> types;
        try (ModelProbe all = ModelProbe.allTensors(model)) {
            types = all.types();
            ProbeInput.imageShape(model, all.inputShape(), 1); // refuses non-image models early
        }
        QdqPlan plan = QdqPlan.build(ix, types, options);
        if (plan.convs.isEmpty()) {
            throw PeregrineException.unsupported("the model has no convolution with constant weights to quantize");
        }
        LOG.info("INT8: quantizing {} convolutions and {} activations", plan.convs.size(), plan.tensors.size());

        Map<String, RangeObserver> observers = new LinkedHashMap<>();
        for (String t : plan.tensors) {
            observers.put(t, new RangeObserver(options.method(), options.percentile()));
        }
        int used = calibrate(model, plan, observers, source, options, progress);
        if (used < options.minImages()) {
            throw PeregrineException.badInput("calibration needs at least " + options.minImages()
                    + " readable images; " + source.description() + " gave " + used);
        }

        Map<String, Double> groupAmax = new HashMap<>();
        for (Map.Entry<String, RangeObserver> e : observers.entrySet()) {
            groupAmax.merge(plan.root(e.getKey()), e.getValue().amax(), Math::max);
        }
        return QdqRewriter.rewrite(model, ix, plan, groupAmax, options);
    }

    /** Runs the calibration images; returns how many could be used. */
    private static int calibrate(ModelProto model, QdqPlan plan, Map<String, RangeObserver> observers,
                                 CalibrationSource source, Int8Options options, CalibrationListener progress)
            throws PeregrineException {
        List<Path> images = source.sample(options.calibSize());
        LOG.info("INT8: calibrating with {} images from {} ({})", images.size(), source.description(),
                options.method().name().toLowerCase(java.util.Locale.ROOT));
        int used = 0;
        try (ModelProbe probe = new ModelProbe(model, plan.tensors)) {
            long[] shape = ProbeInput.imageShape(model, probe.inputShape(), 1);
            int batch = (int) shape[0];
            int h = (int) shape[2];
            int w = (int) shape[3];
            try (InputBatch input = new InputBatch(batch, h, w)) {
                int slot = 0;
                for (int i = 0; i < images.size(); i++) {
                    if (load(images.get(i), input, slot, w, h)) {
                        slot++;
                        used++;
                    }
                    boolean last = i == images.size() - 1;
                    if (slot == batch || (last && slot > 0)) {
                        // a static batch is topped up with the first image of the batch, so every slot is real data
                        for (int s = slot; s < batch; s++) {
                            input.buffer(); // position reset only
                            copySlot(input, 0, s);
                        }
                        probe.run(input.buffer(), shape, (name, s, data) -> {
                            RangeObserver o = observers.get(name);
                            if (o != null) {
                                o.observe(data);
                            }
                        });
                        slot = 0;
                    }
                    progress.imagesDone(i + 1, images.size());
                }
            }
        }
        return used;
    }

    private static boolean load(Path image, InputBatch input, int slot, int w, int h) {
        try (Mat bgr = ImageDecoder.decode(Files.readAllBytes(image), ImageDecoder.DEFAULT_MAX_PIXELS);
             LetterboxedImage lb = LetterboxedImage.of(bgr, w, h)) {
            input.put(slot, lb);
            return true;
        } catch (IOException | PeregrineException e) {
            LOG.warn("INT8: skipping calibration image {}: {}", image, e.getMessage());
            return false;
        }
    }

    private static void copySlot(InputBatch input, int from, int to) {
        java.nio.FloatBuffer b = input.buffer();
        int n = input.floatsPerImage();
        for (int k = 0; k < n; k++) {
            b.put(to * n + k, b.get(from * n + k));
        }
    }
}
