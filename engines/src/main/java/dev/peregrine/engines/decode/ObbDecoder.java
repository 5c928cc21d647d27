package dev.peregrine.engines.decode;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.EngineOutputs;
import dev.peregrine.engines.PeregrineException;
import java.util.ArrayList;
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
        int angleRow = 4 + classCount;
        AnchorRows rows = AnchorRows.of(outputs, image, angleRow + 1, "OBB", classCount);
        nms.clear();
        filter.select(rows, classCount, options, (a, c, score) -> nms.add(rows.get(0, a), rows.get(1, a),
                rows.get(2, a), rows.get(3, a), rows.get(angleRow, a), score, c, a));
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
