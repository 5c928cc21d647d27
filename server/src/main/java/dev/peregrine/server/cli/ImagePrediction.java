package dev.peregrine.server.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.peregrine.engines.Classification;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.decode.InstanceMask;
import dev.peregrine.engines.decode.Keypoints;
import dev.peregrine.engines.decode.OrientedBox;
import dev.peregrine.engines.image.Annotator;
import dev.peregrine.engines.image.MaskContours;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * What {@code peregrine predict} prints, writes to JSON and draws for one image: detections (with their masks,
 * keypoints or rotated boxes) or a classification. JSON fields follow Ultralytics' result names ({@code xyxy, conf,
 * cls, name, keypoints, xywhr, xyxyxyxy, mask_pixels, top5}).
 */
sealed interface ImagePrediction {

    /** Objects found (detections; 0 for a classification). */
    int objects();

    /** The part of the summary line after {@code "file WxH: "}. */
    String summary(ModelInfo info);

    /** Writes this image's result fields into the open JSON object of the image. */
    void writeJson(JsonGenerator jg, ModelInfo info) throws IOException;

    /** The original image with the result drawn on it, as JPEG. */
    byte[] annotate(byte[] encoded, ModelInfo info) throws PeregrineException;

    /** Detections of a detect, segment, pose or OBB model. */
    record Detections(List<Detection> detections) implements ImagePrediction {

        @Override
        public int objects() {
            return detections.size();
        }

        /** {@code 4 person, 1 bus} in class order, or {@code no detections}. */
        @Override
        public String summary(ModelInfo info) {
            TreeMap<Integer, Integer> counts = new TreeMap<>();
            for (Detection d : detections) {
                counts.merge(d.classId(), 1, Integer::sum);
            }
            if (counts.isEmpty()) {
                return "no detections";
            }
            StringBuilder sb = new StringBuilder();
            String separator = "";
            for (var e : counts.entrySet()) {
                sb.append(separator).append(e.getValue()).append(' ').append(info.className(e.getKey()));
                separator = ", ";
            }
            return sb.toString();
        }

        @Override
        public void writeJson(JsonGenerator jg, ModelInfo info) throws IOException {
            jg.writeArrayFieldStart("detections");
            for (Detection d : detections) {
                jg.writeStartObject();
                jg.writeArrayFieldStart("xyxy");
                jg.writeNumber(d.x1());
                jg.writeNumber(d.y1());
                jg.writeNumber(d.x2());
                jg.writeNumber(d.y2());
                jg.writeEndArray();
                jg.writeNumberField("conf", d.score());
                jg.writeNumberField("cls", d.classId());
                jg.writeStringField("name", info.className(d.classId()));
                writeExtra(jg, d.extra());
                jg.writeEndObject();
            }
            jg.writeEndArray();
        }

        private static void writeExtra(JsonGenerator jg, Detection.Extra extra) throws IOException {
            if (extra instanceof Keypoints k) {
                jg.writeArrayFieldStart("keypoints");
                for (int i = 0; i < k.count(); i++) {
                    jg.writeStartArray();
                    jg.writeNumber(k.x(i));
                    jg.writeNumber(k.y(i));
                    jg.writeNumber(k.confidence(i));
                    jg.writeEndArray();
                }
                jg.writeEndArray();
            } else if (extra instanceof OrientedBox b) {
                jg.writeArrayFieldStart("xywhr");
                for (float v : new float[] {b.cx(), b.cy(), b.width(), b.height(), b.angle()}) {
                    jg.writeNumber(v);
                }
                jg.writeEndArray();
                writePoints(jg, "xyxyxyxy", b.corners());
            } else if (extra instanceof InstanceMask m) {
                jg.writeNumberField("mask_pixels", m.pixelCount());
                jg.writeArrayFieldStart("mask_shape");
                jg.writeNumber(m.canvasHeight());
                jg.writeNumber(m.canvasWidth());
                jg.writeEndArray();
                jg.writeArrayFieldStart("segments");
                for (float[] polygon : MaskContours.polygons(m)) {
                    writePoints(jg, null, polygon);
                }
                jg.writeEndArray();
            }
        }

        /** {@code [[x, y], ...]}, as a field when {@code name} is given, else as an array element. */
        private static void writePoints(JsonGenerator jg, String name, float[] xy) throws IOException {
            if (name != null) {
                jg.writeArrayFieldStart(name);
            } else {
                jg.writeStartArray();
            }
            for (int i = 0; i < xy.length; i += 2) {
                jg.writeStartArray();
                jg.writeNumber(xy[i]);
                jg.writeNumber(xy[i + 1]);
                jg.writeEndArray();
            }
            jg.writeEndArray();
        }

        @Override
        public byte[] annotate(byte[] encoded, ModelInfo info) throws PeregrineException {
            return Annotator.annotateJpeg(encoded, detections, info);
        }
    }

    /** The top classes of a classification model. */
    record Classes(Classification classification) implements ImagePrediction {

        @Override
        public int objects() {
            return 0;
        }

        /** {@code tiger shark 0.12, cock 0.11, ...}, most probable first. */
        @Override
        public String summary(ModelInfo info) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < classification.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(info.className(classification.classId(i)))
                        .append(String.format(Locale.ROOT, " %.2f", classification.probability(i)));
            }
            return sb.toString();
        }

        @Override
        public void writeJson(JsonGenerator jg, ModelInfo info) throws IOException {
            jg.writeArrayFieldStart("top5");
            for (int i = 0; i < classification.size(); i++) {
                jg.writeStartObject();
                jg.writeNumberField("cls", classification.classId(i));
                jg.writeStringField("name", info.className(classification.classId(i)));
                jg.writeNumberField("prob", classification.probability(i));
                jg.writeEndObject();
            }
            jg.writeEndArray();
        }

        @Override
        public byte[] annotate(byte[] encoded, ModelInfo info) throws PeregrineException {
            return Annotator.annotateJpeg(encoded, classification, info);
        }
    }
}
