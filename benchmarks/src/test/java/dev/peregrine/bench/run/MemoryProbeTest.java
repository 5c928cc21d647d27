package dev.peregrine.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.engines.Device;
import dev.peregrine.testing.Fixtures;
import org.junit.jupiter.api.Test;

/** The per-format memory probe: its result line, and a real child JVM on a tiny model. */
class MemoryProbeTest {

    @Test
    void parsesTheChildsLine() {
        MemoryProbe.Footprint f = MemoryProbe.parse(MemoryProbe.RESULT
                + " ram_before=1000 ram_after=5096 gpu_before=-1 gpu_after=-1");
        assertThat(f.ramBytes()).isEqualTo(4096L);
        assertThat(f.gpuBytes()).isNull();
        assertThat(MemoryProbe.parse(MemoryProbe.RESULT + " ram_before=-1 ram_after=5 gpu_before=10 gpu_after=30"))
                .isEqualTo(new MemoryProbe.Footprint(null, 20L));
    }

    @Test
    void childJvmReportsTheModelsMemory() throws Exception {
        MemoryProbe.Footprint f = MemoryProbe.measure(Fixtures.file("tiny/yolov8n.onnx"), Device.CPU, 1, 1,
                Fixtures.file("images/bus.jpg"));
        // A session, its arena and a letterboxed image cost memory; on Linux RssAnon is always there.
        assertThat(f.ramBytes()).isNotNull().isPositive();
        assertThat(f.gpuBytes()).isNull();
    }
}
