package dev.peregrine.exporter.precision;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import dev.peregrine.engines.PeregrineException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Concrete input shapes for running a model during a pass, and a deterministic synthetic input. */
final class ProbeInput {
    private static final Pattern INT = Pattern.compile("\\d+");

    private ProbeInput() {
    }

    /**
     * The model's NCHW input shape with dynamic dimensions filled: batch {@code batch}, height and width from the
     * Ultralytics {@code imgsz} metadata, else 640.
     *
     * @throws PeregrineException UNSUPPORTED when the input is not a 4-D image tensor with 3 channels
     */
    static long[] imageShape(ModelProto model, long[] declared, int batch) throws PeregrineException {
        if (declared.length != 4 || (declared[1] != 3 && declared[1] != -1)) {
            throw PeregrineException.unsupported("not an image model: its input shape is "
                    + java.util.Arrays.toString(declared) + ", expected [N, 3, H, W]");
        }
        long[] hw = imgsz(model);
        return new long[] {declared[0] > 0 ? declared[0] : batch, 3,
                declared[2] > 0 ? declared[2] : hw[0], declared[3] > 0 ? declared[3] : hw[1]};
    }

    private static long[] imgsz(ModelProto model) {
        for (StringStringEntryProto p : model.getMetadataPropsList()) {
            if (p.getKey().equals("imgsz")) {
                List<Long> v = new ArrayList<>();
                Matcher m = INT.matcher(p.getValue());
                while (m.find()) {
                    v.add(Long.parseLong(m.group()));
                }
                if (v.size() == 2) {
                    return new long[] {v.get(0), v.get(1)};
                }
                if (v.size() == 1) {
                    return new long[] {v.get(0), v.get(0)};
                }
            }
        }
        return new long[] {640, 640};
    }

    /** Uniform noise in [0, 1) of {@code shape}, the same for every call. */
    static FloatBuffer noise(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        FloatBuffer b = FloatBuffer.allocate(Math.toIntExact(n));
        SplittableRandom r = new SplittableRandom(20250101);
        while (b.hasRemaining()) {
            b.put((float) r.nextDouble());
        }
        b.flip();
        return b;
    }
}
