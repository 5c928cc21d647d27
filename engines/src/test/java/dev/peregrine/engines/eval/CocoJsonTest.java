package dev.peregrine.engines.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** COCO JSON reading and Ultralytics-style writing. */
class CocoJsonTest {
    private static final String INSTANCES = """
            {"images": [{"id": 7, "file_name": "000007.jpg", "width": 100, "height": 50},
                        {"id": 2, "file_name": "000002.jpg", "width": 100, "height": 50}],
             "categories": [{"id": 9, "name": "b"}, {"id": 3, "name": "a"}],
             "annotations": [{"id": 1, "image_id": 7, "category_id": 9, "bbox": [10, 5, 20, 10], "area": 150,
                              "iscrowd": 0},
                             {"id": 2, "image_id": 7, "category_id": 3, "bbox": [0, 0, 5, 5], "iscrowd": 1}]}
            """;

    @Test
    void readsInstancesInPycocotoolsOrderAndWritesResultsLikeUltralytics(@TempDir Path dir) throws Exception {
        Path gt = Files.writeString(dir.resolve("gt.json"), INSTANCES);
        EvalDataset d = CocoJson.readInstances(gt, dir);
        assertThat(d.names()).containsExactly("a", "b"); // categories sorted by id
        assertThat(d.categoryIds()).containsExactly(3L, 9L);
        assertThat(d.images()).extracting(EvalImage::id).containsExactly("2", "7"); // images sorted by id
        EvalImage seven = d.images().get(1);
        assertThat(seven.file()).isEqualTo(dir.resolve("000007.jpg"));
        assertThat(seven.labels()).containsExactly(new GroundTruth(1, 10, 5, 30, 15, 150, false),
                new GroundTruth(0, 0, 0, 5, 5, 25, true));

        Path out = dir.resolve("results.json");
        CocoJson.writeResults(out, d, Map.of("7", List.of(new Prediction(1, 1.23456, 2, 11.0004, 12, 0.123456))));
        assertThat(Files.readString(out)).isEqualTo("[{\"image_id\":7,\"file_name\":\"000007.jpg\",\"category_id\":9,"
                + "\"bbox\":[1.235,2.0,9.766,10.0],\"score\":0.12346}]");
        Map<String, List<Prediction>> back = CocoJson.readResults(out, d);
        assertThat(back.get("7")).singleElement().satisfies(p -> {
            assertThat(p.classId()).isEqualTo(1);
            assertThat(p.score()).isEqualTo(0.12346);
        });
    }

    @Test
    void refusesResultsForUnknownImagesAndMalformedFiles(@TempDir Path dir) throws Exception {
        EvalDataset d = CocoJson.readInstances(Files.writeString(dir.resolve("gt.json"), INSTANCES), null);
        Path bad = Files.writeString(dir.resolve("r.json"),
                "[{\"image_id\": 99, \"category_id\": 3, \"bbox\": [0, 0, 1, 1], \"score\": 0.5}]");
        assertThatThrownBy(() -> CocoJson.readResults(bad, d)).isInstanceOf(PeregrineException.class)
                .hasMessageContaining("image_id 99");
        Path notList = Files.writeString(dir.resolve("n.json"), "{}");
        assertThatThrownBy(() -> CocoJson.readResults(notList, d)).hasMessageContaining("JSON list");
        Path noBox = Files.writeString(dir.resolve("b.json"), "[{\"image_id\": 2, \"category_id\": 3, \"score\": 1}]");
        assertThatThrownBy(() -> CocoJson.readResults(noBox, d)).hasMessageContaining("result #0 has no 4-number bbox");
        Path broken = Files.writeString(dir.resolve("x.json"), "[{");
        assertThatThrownBy(() -> CocoJson.readInstances(broken, null)).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> CocoJson.readInstances(dir.resolve("missing.json"), null))
                .isInstanceOf(PeregrineException.class)
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> CocoJson.readInstances(notList, null)).hasMessageContaining("no 'categories' list");
    }
}
