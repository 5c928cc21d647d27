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
 * Decoder of the anchor-free OBB layout {@code [B, 4 + nc + 1, N]} (YOLOv8/11 OBB): rows {@code cx, cy, w, h} of the
 * rotated box in input pixels, {@code nc} class scores, then the angle in radians. Candidates are selected like
 * every anchor-free head ({@link CandidateFilter}) and suppressed by {@link RotatedNms} (ProbIoU Fast-NMS, as
 * Ultralytics). Each detection carries its {@link OrientedBox}; its axis-aligned box is the box around the corners.
 * Not thread-safe.
 */
public final class ObbDecoder implements HeadDecoder {
    private final int classCount;
    private final CandidateFilter filter = new CandidateFilter();
    private final RotatedNms nms = new RotatedNms();

    /** A decoder for {@code classCount} classes. */
    public ObbDecoder(int classCount) {
        if (classCount < 1) {
            throw new IllegalArgumentException("classCount must be >= 1, got " + classCount);
        }
        this.classCount = classCount;
    }

    @Override
    public List<Detection> decode(EngineOutputs outputs, int image, DetectOptions options) throws PeregrineException {
        EngineOutputs.OutputTensor out = outputs.get(0);
        long[] shape = out.shape();
        int rows = 4 + classCount + 1;
        if (shape.length != 3 || shape[1] != rows || image < 0 || image >= shape[0]) {
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "OBB decoder for " + classCount
                    + " classes expects output [B, " + rows + ", N] and image < B, got " + Arrays.toString(shape)
                    + " and image " + image);
        }
        int anchors = (int) shape[2];
        FloatBuffer data = out.data();
        int base = Math.multiplyExact(image, Math.multiplyExact(rows, anchors));
        int angleRow = base + (rows - 1) * anchors;
        nms.clear();
        filter.select(data, base, anchors, classCount, options, (a, c, score) -> nms.add(data.get(base + a),
                data.get(base + anchors + a), data.get(base + 2 * anchors + a), data.get(base + 3 * anchors + a),
                data.get(angleRow + a), score, c, a));
        int n = nms.run(options.iou(), options.agnostic(), options.maxDet());
        List<Detection> result = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            int i = nms.kept(k);
            OrientedBox box = new OrientedBox(nms.cx(i), nms.cy(i), nms.width(i), nms.height(i), nms.angle(i));
            result.add(withBox(box, nms.score(i), nms.classId(i)));
        }
        return result;
    }

    /** A detection for a rotated box: its axis-aligned box is the box around the corners. */
    public static Detection withBox(OrientedBox box, float score, int classId) {
        float[] b = box.bounds();
        return new Detection(b[0], b[1], b[2], b[3], score, classId, box);
    }
}
