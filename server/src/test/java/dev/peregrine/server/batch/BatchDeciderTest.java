package dev.peregrine.server.batch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Decision table of {@link BatchDecider}: made-up clock readings, no threads, no sleeps. */
class BatchDeciderTest {
    private static final long MS = 1_000_000L;
    private static final long T0 = 5_000 * MS;

    /** maxBatch 8, preferred {4, 6}, 10 ms delay. */
    private static final BatchPolicy POLICY = new BatchPolicy(8, new int[]{6, 4, 4}, Duration.ofMillis(10),
            1 << 20, 100, Duration.ofSeconds(1));

    private static BatchDecision decide(BatchPolicy p, int items, long waitedMs, long deadlineInMs, boolean flush) {
        long now = T0 + waitedMs * MS;
        long deadline = deadlineInMs < 0 ? Long.MAX_VALUE : now + deadlineInMs * MS;
        return BatchDecider.decide(p, new QueueView(items, T0, deadline), now, flush);
    }

    @ParameterizedTest(name = "{0} items, waited {1} ms, deadline in {2} ms, flush {3} -> {4}")
    @CsvSource({
            // items, waitedMs, deadlineInMs (-1 none), flush, expected
            "0, 0, -1, false, wait:forever",
            "0, 50, -1, true, wait:forever",
            "1, 0, -1, false, wait:10",       // nothing reached: wait for the oldest's delay
            "3, 4, -1, false, wait:6",        // delay partly spent
            "3, 4, 2, false, wait:2",         // an earlier deadline shortens the wait (expiry timer)
            "3, 10, -1, false, send:3",       // oldest waited the full delay: send all
            "3, 25, -1, false, send:3",
            "4, 0, -1, false, send:4",        // preferred size reached, nothing more queued
            "5, 1, -1, false, send:4",        // largest preferred <= 5
            "6, 0, -1, false, send:6",
            "7, 0, -1, false, send:6",
            "8, 0, -1, false, send:8",        // maxBatch
            "30, 0, -1, false, send:8",       // never more than maxBatch
            "5, 10, -1, false, send:5",       // delay beats preferred: everything queued goes
            "3, 0, -1, true, send:3",         // draining: no waiting
    })
    void decisionTable(int items, long waitedMs, long deadlineInMs, boolean flush, String expected) {
        BatchDecision d = decide(POLICY, items, waitedMs, deadlineInMs, flush);
        assertThat(render(d)).isEqualTo(expected);
    }

    @Test
    void withoutPreferredSizesOnlyMaxBatchOrDelaySend() {
        BatchPolicy p = new BatchPolicy(4, null, Duration.ofMillis(5), 1000, 10, Duration.ofSeconds(1));
        assertThat(render(decide(p, 3, 0, -1, false))).isEqualTo("wait:5");
        assertThat(render(decide(p, 3, 5, -1, false))).isEqualTo("send:3");
        assertThat(render(decide(p, 4, 0, -1, false))).isEqualTo("send:4");
    }

    @Test
    void zeroDelaySendsWhateverIsQueued() {
        BatchPolicy p = new BatchPolicy(16, new int[0], Duration.ZERO, 1000, 10, Duration.ofSeconds(1));
        assertThat(render(decide(p, 1, 0, -1, false))).isEqualTo("send:1");
        assertThat(render(decide(p, 9, 0, -1, false))).isEqualTo("send:9");
    }

    @Test
    void maxBatchOneNeverWaits() {
        BatchPolicy p = new BatchPolicy(1, new int[0], Duration.ofSeconds(5), 1000, 10, Duration.ofSeconds(1));
        assertThat(render(decide(p, 1, 0, -1, false))).isEqualTo("send:1");
    }

    @Test
    void hugeDelayDoesNotOverflow() {
        BatchPolicy p = new BatchPolicy(4, new int[0], Duration.ofSeconds(Long.MAX_VALUE), 1000, 10,
                Duration.ofSeconds(1));
        BatchDecision d = decide(p, 1, 0, -1, false);
        assertThat(d).isInstanceOf(BatchDecision.WaitNanos.class);
        assertThat(((BatchDecision.WaitNanos) d).nanos()).isPositive();
    }

    @Test
    void policyNormalisesAndValidates() {
        assertThat(POLICY.preferredSizes()).containsExactly(4, 6);
        assertThatThrownBy(() -> new BatchPolicy(4, new int[]{5}, Duration.ZERO, 1, 1, Duration.ofSeconds(1)))
                .hasMessageContaining("preferred batch size 5");
        assertThatThrownBy(() -> BatchPolicy.of(0, null, Duration.ZERO, 1, 1, Duration.ofSeconds(1)))
                .hasMessageContaining("maxBatch");
        assertThat(POLICY.withMaxBatch(5).preferredSizes()).containsExactly(4);
    }

    private static String render(BatchDecision d) {
        if (d instanceof BatchDecision.SendNow s) {
            return "send:" + s.size();
        }
        BatchDecision.WaitNanos w = (BatchDecision.WaitNanos) d;
        return w.forever() ? "wait:forever" : "wait:" + (w.nanos() / MS) + (w.nanos() % MS == 0 ? "" : "+");
    }
}
