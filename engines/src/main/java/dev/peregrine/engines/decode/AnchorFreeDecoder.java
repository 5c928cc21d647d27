package dev.peregrine.engines.decode;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.EngineOutputs;
import dev.peregrine.engines.PeregrineException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decoder of the anchor-free head layout {@code [B, 4+nc+extra, N]} (YOLOv5u, v8, v9, 11, 12): rows
 * {@code cx, cy, w, h} in input pixels, then {@code nc} class scores (sigmoid already applied), then {@code extra}
 * task values (mask coefficients, keypoints, angle) read by a {@link DetectionExtras}.
 *
 * <p>Candidate selection follows Ultralytics' {@code non_max_suppression} ({@link CandidateFilter}): an anchor is a
 * candidate when its best class score is strictly greater than {@code conf}; with {@code multiLabel} every (anchor,
 * class) pair above {@code conf} is one candidate (anchor-major, class-minor order); then the class filter; then
 * {@link Nms}.
 *
 * <p>Reads the output buffer in place (row by row, which is how it is laid out), with reusable primitive scratch
 * arrays; nothing is boxed. Not thread-safe.
 */
public final class AnchorFreeDecoder implements HeadDecoder {
    private final int classCount;
    private final int extra;
    private final DetectionExtras extras;
    private final Nms nms = new Nms();
    private final CandidateFilter filter = new CandidateFilter();

    /**
     * @param classCount number of class score rows ({@code nc})
     * @param extra      task rows after the scores (0 for detect)
     * @param extras     reads task payloads of kept detections; {@link DetectionExtras#NONE} for detect
     */
    public AnchorFreeDecoder(int classCount, int extra, DetectionExtras extras) {
        if (classCount < 1 || extra < 0) {
            throw new IllegalArgumentException("classCount must be >= 1 and extra >= 0, got " + classCount + ", "
                    + extra);
        }
        this.classCount = classCount;
        this.extra = extra;
        this.extras = extras;
    }

    /** A plain detect decoder for {@code classCount} classes. */
    public static AnchorFreeDecoder detect(int classCount) {
        return new AnchorFreeDecoder(classCount, 0, DetectionExtras.NONE);
    }

    @Override
    public List<Detection> decode(EngineOutputs outputs, int image, DetectOptions options) throws PeregrineException {
        AnchorRows rows = AnchorRows.of(outputs, image, 4 + classCount + extra, "anchor-free", classCount);
        collectCandidates(rows, options);
        int n = nms.run(options.iou(), options.agnostic(), options.maxDet());
        List<Detection> result = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            int i = nms.kept(k);
            result.add(new Detection(nms.x1(i), nms.y1(i), nms.x2(i), nms.y2(i), nms.score(i), nms.classId(i),
                    extras.read(outputs, image, nms.source(i))));
        }
        return result;
    }

    /** Fills {@link #nms} with the candidates of one image. */
    private void collectCandidates(AnchorRows rows, DetectOptions options) {
        nms.clear();
        filter.select(rows, classCount, options, (a, c, score) -> {
            // xywh -> xyxy in float32 exactly as Ultralytics' xywh2xyxy: xy -/+ wh / 2.
            float cx = rows.get(0, a);
            float cy = rows.get(1, a);
            float hw = rows.get(2, a) / 2f;
            float hh = rows.get(3, a) / 2f;
            nms.add(cx - hw, cy - hh, cx + hw, cy + hh, score, c, a);
        });
    }
}
