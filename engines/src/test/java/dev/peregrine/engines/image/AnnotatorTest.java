package dev.peregrine.engines.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.engines.Detection;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.Precision;
import dev.peregrine.engines.Task;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** Annotated images decode, keep their size and show the class colours where the boxes are. */
class AnnotatorTest {
    private static final ModelInfo INFO = new ModelInfo(List.of("person", "bicycle", "car"), Task.DETECT, 640, 640,
            32, 1, false, null, 3, Precision.FP32, "onnx", Map.of());

    @Test
    void annotatedBusIsAJpegOfTheOriginalSize() throws Exception {
        byte[] bus = TestImages.fixture("images/bus.jpg");
        List<Detection> dets = List.of(new Detection(50f, 400f, 250f, 900f, 0.87f, 0),
                new Detection(0f, 0f, 810f, 300f, 0.5f, 2), new Detection(700f, 1000f, 805f, 1075f, 0.3f, 57));
        byte[] out = Annotator.annotateJpeg(bus, dets, INFO);
        assertThat(ImageDecoder.probe(out)).isEqualTo(new ImageHeader("jpeg", 810, 1080));
        try (Mat original = ImageDecoder.decode(bus, ImageDecoder.DEFAULT_MAX_PIXELS);
             Mat annotated = ImageDecoder.decode(out, ImageDecoder.DEFAULT_MAX_PIXELS)) {
            assertThat(annotated.cols()).isEqualTo(810);
            assertThat(annotated.rows()).isEqualTo(1080);
            // The left edge of the first box is drawn in class 0's colour (RGB 042AFF = BGR 255, 42, 4).
            try (UByteIndexer px = annotated.createIndexer()) {
                assertThat(px.get(650, 50, 0)).isGreaterThan(200);
                assertThat(px.get(650, 50, 2)).isLessThan(60);
            }
        }
    }

    @Test
    void drawChangesPixelsOnlyNearTheBox() {
        try (Mat img = TestImages.gradient(200, 100); Mat before = img.clone()) {
            Annotator.draw(img, List.of(new Detection(60f, 40f, 140f, 90f, 0.5f, 1)), INFO);
            try (UByteIndexer a = img.createIndexer(); UByteIndexer b = before.createIndexer()) {
                assertThat(samePixel(a, b, 5, 5)).as("far corner untouched").isTrue();
                assertThat(samePixel(a, b, 65, 100)).as("inside the box untouched").isTrue();
                assertThat(samePixel(a, b, 65, 60)).as("box edge drawn").isFalse();
            }
        }
    }

    private static boolean samePixel(UByteIndexer a, UByteIndexer b, int y, int x) {
        return a.get(y, x, 0) == b.get(y, x, 0) && a.get(y, x, 1) == b.get(y, x, 1) && a.get(y, x, 2) == b.get(y, x, 2);
    }
}
