package dev.peregrine.exporter.precision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calibration sources: folders, image lists and data YAMLs, sampled evenly. */
class CalibrationSourceTest {

    @Test
    void aDataYamlWithoutTrainImagesFallsBackToValAndSaysSo() throws Exception {
        CalibrationSource s = CalibrationSource.of(Fixtures.file("trained/data.yaml"));
        assertThat(s.images()).hasSize(150);
        assertThat(s.description()).contains("val split: no train split on disk");
    }

    @Test
    void aListFileResolvesRelativePathsAndSamplingSpreadsEvenly(@TempDir Path dir) throws Exception {
        Path list = dir.resolve("calib.txt");
        Path val = Fixtures.file("trained/images/val");
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 10; i++) {
            sb.append(dir.relativize(val.resolve(String.format("%06d.jpg", i)))).append('\n');
        }
        Files.writeString(list, sb.toString());
        CalibrationSource s = CalibrationSource.of(list);
        assertThat(s.images()).hasSize(10);
        List<Path> sample = s.sample(4);
        assertThat(sample).extracting(p -> p.getFileName().toString())
                .containsExactly("000001.jpg", "000003.jpg", "000006.jpg", "000008.jpg");
        assertThat(s.sample(100)).hasSize(10);
    }
}
