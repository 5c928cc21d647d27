package dev.peregrine.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.peregrine.exporter.pt.PtCheckpoint;
import dev.peregrine.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The metadata written for every tiny checkpoint, all tasks included (pose: {@code kpt_shape}, {@code kpt_names};
 * classify: stride 1), equals Ultralytics' {@code metadata_props} key for key, in order, value for value.
 */
class ExportMetadataTest {
    @ParameterizedTest
    @ValueSource(strings = {"yolov5nu", "yolov8n", "yolov9t", "yolov10n", "yolo11n", "yolo12n", "yolo26n",
        "yolov8n-seg", "yolov8n-pose", "yolov8n-obb", "yolov8n-cls", "yolo11n-seg", "yolo11n-pose", "yolo11n-obb",
        "yolo11n-cls"})
    void metadataEqualsUltralytics(String name) throws Exception {
        Path pt = Fixtures.file("tiny/" + name + ".pt");
        UltralyticsModel model = UltralyticsModel.of(PtCheckpoint.read(pt), pt);
        int[] hw = model.trainImgsz();
        Map<String, String> ours = ExportMetadata.of(model, hw[0], hw[1], ExportOptions.defaults());
        Map<String, String> theirs = UltralyticsInterface.metadata(
                ModelProto.parseFrom(Files.readAllBytes(Fixtures.file("tiny/" + name + ".onnx"))));
        assertThat(ours).containsExactlyEntriesOf(theirs);
    }
}
