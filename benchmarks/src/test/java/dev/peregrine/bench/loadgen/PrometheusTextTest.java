package dev.peregrine.bench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import dev.peregrine.server.metrics.ServerMetrics;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void parsesSamplesLabelsEscapesAndSpecialValues() {
        PrometheusText t = PrometheusText.parse("""
                # HELP x_total something
                # TYPE x_total counter
                x_total{model="a",status="200"} 3.0
                x_total{model="a",status="503"} 1
                x_total{model="b \\"q\\"",status="200"} 7 1700000000000
                y_bucket{le="+Inf"} +Inf
                plain 42
                broken{model="a" 1
                z NaN
                """);
        assertThat(t.samples()).hasSize(6);
        assertThat(t.sum("x_total", Map.of("model", "a"))).isEqualTo(4.0);
        assertThat(t.find("x_total", Map.of("model", "b \"q\""))).singleElement()
                .satisfies(s -> assertThat(s.value()).isEqualTo(7.0));
        assertThat(t.sum("plain", Map.of())).isEqualTo(42.0);
        assertThat(t.find("y_bucket", Map.of()).get(0).value()).isInfinite();
        assertThat(t.find("z", Map.of()).get(0).value()).isNaN();
        assertThat(t.sum("missing", Map.of())).isZero();
    }

    @Test
    void deltaOfTwoScrapesOfTheRealServerMetrics() {
        ServerMetrics metrics = new ServerMetrics();
        metrics.recordBatch("shapes", 8, 0, 1, 5_000_000);
        metrics.recordQueueTime("shapes", 1_000_000);
        metrics.recordRequest("shapes", 200, 9_000_000);
        metrics.recordBatch("other", 8, 0, 8, 5_000_000);
        PrometheusText before = PrometheusText.parse(metrics.scrape());

        for (int i = 0; i < 3; i++) {
            metrics.recordBatch("shapes", 8, 0, 4, 20_000_000);
        }
        metrics.recordBatch("shapes", 8, 0, 8, 30_000_000);
        metrics.recordBatch("shapes", 8, 0, 1, 30_000_000);
        for (int i = 0; i < 20; i++) {
            metrics.recordQueueTime("shapes", i < 18 ? 3_000_000 : 400_000_000);
            metrics.recordRequest("shapes", i < 19 ? 200 : 503, 10_000_000);
        }
        metrics.recordBatch("other", 8, 0, 2, 5_000_000);
        PrometheusText after = PrometheusText.parse(metrics.scrape());

        ServerSideFigures f = MetricsDelta.of(before, after, "shapes");
        assertThat(f.batchSizes()).containsExactly(entry(1, 1L), entry(4, 3L), entry(8, 1L));
        assertThat(f.batches()).isEqualTo(5);
        assertThat(f.meanBatch()).isCloseTo((1 + 12 + 8) / 5.0, within(1e-9));
        assertThat(f.queueMeanMs()).isCloseTo((18 * 3 + 2 * 400) / 20.0, within(1e-6));
        assertThat(f.queueP50MaxMs()).isEqualTo(5.0); // 3 ms lies in the (2, 5] ms bucket
        assertThat(f.queueP99MaxMs()).isEqualTo(500.0);
        assertThat(f.requests()).containsEntry("200", 19L).containsEntry("503", 1L);
    }
}
