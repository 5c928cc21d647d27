package dev.peregrine.engines.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The YOLO-layout reader against the COCO JSON of the same labels, and its refusals of bad input. */
class YoloDatasetTest {
    /** Sizes for images that do not exist: tests that build label folders by hand never decode anything. */
    private static final ImageSizeReader FIXED = p -> new int[] {640, 480};

    @Test
    void readsTheTrainedFixtureLikeItsCocoJson() throws Exception {
        EvalDataset yolo = YoloDataset.read(Fixtures.file("trained/data.yaml"), null);
        EvalDataset coco = CocoJson.readInstances(Fixtures.file("trained/val_coco.json"), null);
        assertThat(yolo.names()).containsExactly("circle", "square", "triangle", "star", "cross");
        assertThat(yolo.images()).hasSize(150);
        assertThat(yolo.instanceCount()).isEqualTo(654);
        for (EvalImage y : yolo.images()) {
            EvalImage c = coco.image(String.valueOf(Integer.parseInt(y.id()))).orElseThrow();
            assertThat(y.width()).isEqualTo(c.width());
            assertThat(y.height()).isEqualTo(c.height());
            assertThat(y.labels()).hasSameSizeAs(c.labels());
            for (GroundTruth g : y.labels()) {
                // 6-decimal normalised labels reproduce the integer COCO boxes to well under a pixel
                assertThat(c.labels()).anySatisfy(h -> {
                    assertThat(h.classId()).isEqualTo(g.classId());
                    assertThat(h.x1()).isCloseTo(g.x1(), within(0.01));
                    assertThat(h.y2()).isCloseTo(g.y2(), within(0.01));
                });
            }
        }
    }

    @Test
    void aFolderWithoutYamlUsesTheGivenNamesAndTreatsMissingLabelsAsBackground(@TempDir Path dir) throws Exception {
        Path images = Files.createDirectories(dir.resolve("images/val"));
        Path labels = Files.createDirectories(dir.resolve("labels/val"));
        Files.write(images.resolve("a.jpg"), new byte[] {1});
        Files.write(images.resolve("b.png"), new byte[] {1});
        Files.writeString(labels.resolve("a.txt"), "1 0.5 0.5 0.25 0.5\n1 0.5 0.5 0.25 0.5\n0 0.1 0.1 0.3 0.1 0.3 0.3 0.1 0.3\n");
        EvalDataset d = YoloDataset.read(dir, List.of("x", "y"), FIXED);
        assertThat(d.images()).extracting(EvalImage::id).containsExactly("a", "b");
        List<GroundTruth> a = d.images().get(0).labels();
        assertThat(a).hasSize(2); // the duplicate line is dropped
        assertThat(a.get(0)).isEqualTo(GroundTruth.box(1, 240, 120, 400, 360));
        GroundTruth poly = a.get(1);
        assertThat(poly.x1()).isCloseTo(64, within(1e-9));
        assertThat(poly.y2()).isCloseTo(144, within(1e-9));
        assertThat(d.images().get(1).labels()).isEmpty();
    }

    @Test
    void badLabelsAndSourcesAreRefusedWithTheirLocation(@TempDir Path dir) throws Exception {
        Path images = Files.createDirectories(dir.resolve("images/val"));
        Path labels = Files.createDirectories(dir.resolve("labels/val"));
        Files.write(images.resolve("a.jpg"), new byte[] {1});
        List<String> names = List.of("x", "y");

        // a one-byte "jpg" has no readable header
        assertBad(() -> YoloDataset.read(dir, names), "a.jpg");
        Files.writeString(labels.resolve("a.txt"), "2 0.5 0.5 0.1 0.1\n");
        assertBad(() -> YoloDataset.read(dir, names, FIXED), "a.txt:1: class 2 is not in 0..1");
        Files.writeString(labels.resolve("a.txt"), "0 150 150 20 20\n");
        assertBad(() -> YoloDataset.read(dir, names, FIXED), "normalised");
        Files.writeString(labels.resolve("a.txt"), "0 0.5 0.5\n");
        assertBad(() -> YoloDataset.read(dir, names, FIXED), "expected 'class cx cy w h'");
        Files.writeString(labels.resolve("a.txt"), "0 0.5 zero 0.1 0.1\n");
        assertBad(() -> YoloDataset.read(dir, names, FIXED), "not a number");

        assertBad(() -> YoloDataset.read(dir, null, FIXED), "no data YAML with class names");
        assertBad(() -> YoloDataset.read(Files.createDirectories(dir.resolve("empty")), names, FIXED), "no images");
        Files.writeString(dir.resolve("data.yaml"), "names: [x, y]\nval: images/missing\n");
        assertThatThrownBy(() -> YoloDataset.read(dir, null, FIXED)).isInstanceOf(PeregrineException.class)
                .hasMessageContaining("does not exist")
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
        Files.writeString(dir.resolve("data.yaml"), "names: [x, y]\nnc: 3\nval: images/val\n");
        assertBad(() -> YoloDataset.read(dir, null, FIXED), "nc is 3 but 2 names");
        Files.writeString(dir.resolve("data.yaml"), "names: {0: x, 2: y}\nval: images/val\n");
        assertBad(() -> YoloDataset.read(dir, null, FIXED), "class indices in names must be 0..1");
    }

    @Test
    void labelPathFollowsUltralytics() {
        assertThat(YoloDataset.labelPath(Path.of("/d/images/val/images/x.y.jpg")))
                .isEqualTo(Path.of("/d/images/val/labels/x.y.txt"));
    }

    private static void assertBad(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(PeregrineException.class).hasMessageContaining(message)
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.BAD_INPUT));
    }
}
