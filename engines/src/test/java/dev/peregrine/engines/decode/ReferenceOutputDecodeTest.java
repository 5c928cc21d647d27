package dev.peregrine.engines.decode;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.testing.Fixtures;
import dev.peregrine.testing.Npy;
import dev.peregrine.testing.ReferenceDetections;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The decoders applied to the reference raw outputs ({@code *.output0.npy}, produced by Ultralytics itself)
 * reproduce Ultralytics' {@code predict} result ({@code square} variant) once mapped back to bus.jpg: isolates
 * decoding + NMS from inference and preprocessing, so the tolerances are only the JSON rounding.
 */
class ReferenceOutputDecodeTest {

    @ParameterizedTest
    @ValueSource(strings = {"yolov5nu", "yolov8n", "yolov9t", "yolov10n", "yolo11n", "yolo12n", "yolo26n"})
    void reproducesUltralyticsPredict(String model) throws Exception {
        JsonNode m = Fixtures.model("tiny", model);
        Npy out = Npy.read(Fixtures.file("tiny/" + model + ".output0.npy"));
        HeadDecoder decoder = m.get("end2end").asBoolean() ? EndToEndDecoder.detect()
                : AnchorFreeDecoder.detect(m.get("nc").asInt());
        List<Detection> inInput = decoder.decode(DecodeTestData.outputs(out.data, out.shape), 0,
                DetectOptions.defaults());

        JsonNode predict = Fixtures.readJson(Fixtures.file("tiny/" + model + ".predict.json")).get("square");
        int h0 = predict.get("orig_shape").get(0).asInt();
        int w0 = predict.get("orig_shape").get(1).asInt();
        List<Detection> mapped = new ArrayList<>();
        for (Detection d : inInput) {
            mapped.add(toOriginal(d, 160, 160, w0, h0));
        }
        List<Detection> expected = ReferenceDetections.parse(predict.get("detections"));
        var match = ReferenceDetections.match(model, expected, mapped, 0.9999, 2e-5, 0.01);
        assertThat(match.count()).isPositive();
    }

    /** Ultralytics scale_boxes + clip_boxes for a letterbox of (w0, h0) into (w, h). */
    private static Detection toOriginal(Detection d, int w, int h, int w0, int h0) {
        double gain = Math.min((double) h / h0, (double) w / w0);
        float padX = (float) Math.rint((w - w0 * gain) / 2 - 0.1);
        float padY = (float) Math.rint((h - h0 * gain) / 2 - 0.1);
        float g = (float) gain;
        return new Detection(clip((d.x1() - padX) / g, w0), clip((d.y1() - padY) / g, h0),
                clip((d.x2() - padX) / g, w0), clip((d.y2() - padY) / g, h0), d.score(), d.classId());
    }

    private static float clip(float v, int max) {
        return Math.max(0, Math.min(max, v));
    }
}
