package dev.peregrine.engines.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.engines.Classification;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.Precision;
import dev.peregrine.engines.Task;
import dev.peregrine.engines.decode.ImageMapping;
import dev.peregrine.engines.decode.InstanceMask;
import dev.peregrine.engines.decode.Keypoints;
import dev.peregrine.engines.decode.OrientedBox;
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

    @Test
    void boxesOutsideTheImageAndUnknownClassesAreDrawnWithoutFailing() {
        try (Mat img = TestImages.gradient(50, 40)) {
            Annotator.draw(img, List.of(new Detection(-1e9f, -5f, 1e9f, 1e12f, 1f, 99),
                    new Detection(Float.NaN, 3f, 20f, Float.POSITIVE_INFINITY, 0.1f, -1)), INFO);
            assertThat(img.cols()).isEqualTo(50);
        }
    }

    @Test
    void masksAreBlendedWhereTheMaskMapsAndKeypointsAndRotatedBoxesAreDrawn() {
        // A 20x20 model input for a 200x100 image: gain 0.1, 5 input rows of padding above and below.
        ImageMapping mapping = ImageMapping.letterbox(20, 20, 200, 100);
        byte[] bits = new byte[4 * 4];
        java.util.Arrays.fill(bits, (byte) 1);
        InstanceMask mask = new InstanceMask(20, 20, 2, 8, 4, 4, bits).withMapping(mapping);
        Keypoints k = new Keypoints(new float[] {150, 50, 170, 70}, new float[] {0.9f, 0.1f});
        try (Mat img = TestImages.gradient(200, 100); Mat before = img.clone()) {
            Annotator.draw(img, List.of(new Detection(20f, 30f, 60f, 70f, 0.9f, 0, mask),
                    new Detection(140f, 10f, 190f, 90f, 0.8f, 1, k),
                    new Detection(80f, 30f, 120f, 70f, 0.7f, 2, new OrientedBox(100, 50, 40, 20, 0.5f))), INFO);
            try (UByteIndexer a = img.createIndexer(); UByteIndexer b = before.createIndexer()) {
                // Mask window columns 2..5, rows 8..11 of the input = image x 20..60, y 30..70: blended inside.
                assertThat(samePixel(a, b, 50, 40)).as("inside the mask").isFalse();
                assertThat(samePixel(a, b, 50, 75)).as("right of the mask").isTrue();
                assertThat(samePixel(a, b, 50, 150)).as("confident keypoint").isFalse();
                assertThat(samePixel(a, b, 70, 170)).as("unconfident keypoint").isTrue();
                assertThat(samePixel(a, b, 50, 100)).as("inside the rotated box").isTrue();
            }
        }
    }

    @Test
    void classificationIsWrittenAtTheTopLeft() throws Exception {
        byte[] bus = TestImages.fixture("images/bus.jpg");
        byte[] out = Annotator.annotateJpeg(bus, Classification.top(new float[] {0.2f, 0.7f, 0.1f}, 2), INFO);
        assertThat(ImageDecoder.probe(out)).isEqualTo(new ImageHeader("jpeg", 810, 1080));
    }

    @Test
    void maskContoursAreMappedToTheImage() {
        byte[] bits = new byte[4 * 4];
        java.util.Arrays.fill(bits, (byte) 1);
        InstanceMask mask = new InstanceMask(20, 20, 2, 8, 4, 4, bits)
                .withMapping(ImageMapping.letterbox(20, 20, 200, 100));
        List<float[]> polygons = MaskContours.polygons(mask);
        assertThat(polygons).hasSize(1);
        // The square's corner pixels (2, 8) and (5, 11) map to (20, 30) and (50, 60).
        assertThat(polygons.get(0)).contains(20f, 30f, 50f, 60f);
    }

    private static boolean samePixel(UByteIndexer a, UByteIndexer b, int y, int x) {
        return a.get(y, x, 0) == b.get(y, x, 0) && a.get(y, x, 1) == b.get(y, x, 1) && a.get(y, x, 2) == b.get(y, x, 2);
    }
}
