package dev.peregrine.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exporting the same checkpoint twice writes the same bytes; the default output sits beside the checkpoint. */
class ReproducibleExportTest {
    @TempDir
    Path dir;

    @Test
    void sameCheckpointGivesByteIdenticalOnnx() throws Exception {
        Path pt = Files.copy(Fixtures.file("tiny/yolo11n.pt"), dir.resolve("model.pt"));
        ExportResult first = Exporter.export(pt, ExportOptions.defaults(), ProgressListener.NONE);
        assertThat(first.onnx()).isEqualTo(dir.resolve("model.onnx"));
        byte[] a = Files.readAllBytes(first.onnx());
        Path second = Exporter.export(pt, ExportOptions.defaults().withOutput(dir.resolve("again.onnx")),
                ProgressListener.NONE).onnx();
        assertThat(Files.readAllBytes(second)).isEqualTo(a);
        assertThat(a.length).isGreaterThan(100_000);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("model.pt",
                    "model.onnx", "again.onnx");
        }
    }
}
