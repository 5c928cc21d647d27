package dev.peregrine.engines.decode;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.EngineOutputs;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decoder of NMS-free end-to-end heads (YOLOv10, YOLO26): output {@code [B, K, 6+extra]} with rows
 * {@code x1, y1, x2, y2, score, class} in input pixels, already sorted by score. As Ultralytics does for such
 * models, it keeps rows whose score is strictly greater than {@code conf} and whose class passes the filter, and
 * the first {@code maxDet} of those; IoU, agnostic and multi-label settings do not apply (there is no NMS).
 */
public final class EndToEndDecoder implements HeadDecoder {
    private final int extra;
    private final DetectionExtras extras;

    /**
     * @param extra  task values after the class column (0 for detect)
     * @param extras reads task payloads of kept rows; {@link DetectionExtras#NONE} for detect
     */
    public EndToEndDecoder(int extra, DetectionExtras extras) {
        if (extra < 0) {
            throw new IllegalArgumentException("extra must be >= 0, got " + extra);
        }
        this.extra = extra;
        this.extras = extras;
    }

    /** A plain detect decoder. */
    public static EndToEndDecoder detect() {
        return new EndToEndDecoder(0, DetectionExtras.NONE);
    }

    @Override
    public List<Detection> decode(EngineOutputs outputs, int image, DetectOptions options) throws PeregrineException {
        EngineOutputs.OutputTensor out = outputs.get(0);
        long[] shape = out.shape();
        int cols = 6 + extra;
        if (shape.length != 3 || shape[2] != cols || image < 0 || image >= shape[0]) {
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "end-to-end decoder expects output [B, K, " + cols
                    + "] and image < B, got " + Arrays.toString(shape) + " and image " + image);
        }
        int rows = (int) shape[1];
        FloatBuffer data = out.data();
        int base = Math.multiplyExact(image, Math.multiplyExact(rows, cols));
        float conf = options.conf();
        int maxDet = options.maxDet();
        List<Detection> result = new ArrayList<>();
        for (int r = 0; r < rows && result.size() < maxDet; r++) {
            int o = base + r * cols;
            float score = data.get(o + 4);
            if (!(score > conf)) {
                continue;
            }
            int classId = Math.round(data.get(o + 5));
            if (!options.acceptsClass(classId)) {
                continue;
            }
            result.add(new Detection(data.get(o), data.get(o + 1), data.get(o + 2), data.get(o + 3), score, classId,
                    extras.read(outputs, image, r)));
        }
        return result;
    }
}
