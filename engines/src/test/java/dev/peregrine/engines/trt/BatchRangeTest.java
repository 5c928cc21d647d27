package dev.peregrine.engines.trt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import org.junit.jupiter.api.Test;

class BatchRangeTest {
    private static ShapeProfile batches(long min, long opt, long max) {
        return new ShapeProfile(new long[] {min, 3, 64, 64}, new long[] {opt, 3, 64, 64}, new long[] {max, 3, 64, 64});
    }

    @Test
    void fixedBatchIgnoresTheCapAndPadsSmallerBatches() throws Exception {
        BatchRange r = BatchRange.of(batches(4, 4, 4), 1);
        assertThat(r).isEqualTo(new BatchRange(4, 4, true));
        assertThat(r.runBatch(1)).isEqualTo(4);
        assertThat(r.runBatch(4)).isEqualTo(4);
    }

    @Test
    void dynamicBatchIsCappedAndRaisedToTheProfileMinimum() throws Exception {
        assertThat(BatchRange.of(batches(1, 8, 16), 8)).isEqualTo(new BatchRange(1, 8, false));
        assertThat(BatchRange.of(batches(1, 8, 16), 64)).isEqualTo(new BatchRange(1, 16, false));
        BatchRange r = BatchRange.of(batches(2, 4, 8), 1);
        assertThat(r).isEqualTo(new BatchRange(2, 2, false));
        assertThat(BatchRange.of(batches(2, 4, 8), 8).runBatch(1)).isEqualTo(2);
        assertThat(BatchRange.of(batches(2, 4, 8), 8).runBatch(5)).isEqualTo(5);
    }

    @Test
    void batchesOutsideTheRangeAreBadInput() {
        BatchRange r = new BatchRange(1, 8, false);
        assertThatThrownBy(() -> r.runBatch(9)).isInstanceOf(PeregrineException.class)
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.BAD_INPUT))
                .hasMessageContaining("outside 1..8");
        assertThatThrownBy(() -> r.runBatch(0)).isInstanceOf(PeregrineException.class);
    }
}
