package dev.peregrine.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.PeregrineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JmhJsonTest {

    @TempDir
    Path dir;

    @Test
    void readsJmhJsonOutput() throws Exception {
        Path f = dir.resolve("jmh.json");
        Files.writeString(f, """
                [ {
                    "jmhVersion" : "1.37", "benchmark" : "dev.peregrine.bench.jmh.InputBatchBenchmark.put",
                    "mode" : "avgt", "threads" : 1, "forks" : 1,
                    "params" : { "batch" : "8", "imgsz" : "320" },
                    "primaryMetric" : { "score" : 1.25, "scoreError" : 0.05, "scoreUnit" : "ms/op",
                                        "rawData" : [ [ 1.2, 1.3 ] ] },
                    "secondaryMetrics" : { }
                  }, {
                    "benchmark" : "dev.peregrine.bench.jmh.DecodeNmsBenchmark.decode", "mode" : "thrpt",
                    "primaryMetric" : { "score" : 900.0, "scoreError" : "NaN", "scoreUnit" : "ops/s" }
                  } ]
                """);
        List<JmhResult> r = JmhJson.read(f);
        assertThat(r).hasSize(2);
        assertThat(r.get(0).params()).containsEntry("batch", "8").containsEntry("imgsz", "320");
        assertThat(r.get(0).score()).isEqualTo(1.25);
        assertThat(r.get(0).error()).isEqualTo(0.05);
        assertThat(r.get(0).unit()).isEqualTo("ms/op");
        assertThat(r.get(1).params()).isEmpty();
        assertThat(r.get(1).error()).isNaN();
    }

    @Test
    void refusesOtherJson() throws Exception {
        Path f = dir.resolve("x.json");
        Files.writeString(f, "{\"not\": \"jmh\"}");
        assertThatThrownBy(() -> JmhJson.read(f)).isInstanceOf(PeregrineException.class)
                .hasMessageContaining("-rf json");
        assertThatThrownBy(() -> JmhJson.read(dir.resolve("missing.json"))).isInstanceOf(PeregrineException.class)
                .hasMessageContaining("not found");
    }
}
