package dev.peregrine.bench.run;

import dev.peregrine.bench.report.ComparisonRow;
import dev.peregrine.bench.report.RowStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures several {@link Subject}s of a comparison in alternation: each is warmed up, then all take turns for
 * {@code rounds} slices of {@code duration / rounds}. On a machine shared with other work the load changes from
 * second to second; measured one after the other, subjects would see different machines, and their ratio would be
 * noise. Alternating spreads the load changes over all of them. A subject that throws is dropped from the rounds
 * and reported as failed.
 */
public final class Interleaved {
    /** Shortest slice; below it the switching itself would be measured. */
    static final Duration MIN_SLICE = Duration.ofMillis(500);

    private Interleaved() {
    }

    /** Number of rounds for a measuring time: one slice per two seconds, 1 to 10 slices. */
    public static int rounds(Duration duration) {
        long slices = duration.toMillis() / 2000;
        return (int) Math.max(1, Math.min(10, slices));
    }

    /**
     * What one subject gave.
     *
     * @param subject the subject
     * @param result  its figures, null when it failed
     * @param failure why it failed (the exception and its causes), null when it did not
     */
    public record Outcome(Subject subject, TimedLoop.Result result, String failure) {
    }

    /** Runs the subjects; returns one comparison row per subject, in their order. */
    public static List<ComparisonRow> run(List<Subject> subjects, Duration warmUp, Duration duration, int rounds,
            BenchProgress progress) {
        List<ComparisonRow> out = new ArrayList<>();
        for (Outcome o : outcomes(subjects, warmUp, duration, rounds, progress)) {
            Subject s = o.subject();
            out.add(o.failure() != null
                    ? ComparisonRow.notRun(s.subject(), s.variant(), s.stage(), s.batch(), RowStatus.FAILED,
                            o.failure())
                    : new ComparisonRow(s.subject(), s.variant(), s.stage(), s.batch(), RowStatus.OK, "",
                            o.result().imagesPerSecond(), o.result().latency()));
        }
        return out;
    }

    /** Runs the subjects; returns one outcome per subject, in their order. */
    public static List<Outcome> outcomes(List<Subject> subjects, Duration warmUp, Duration duration, int rounds,
            BenchProgress progress) {
        int n = subjects.size();
        TimedLoop.Accumulator[] acc = new TimedLoop.Accumulator[n];
        String[] failure = new String[n];
        for (int i = 0; i < n; i++) {
            Subject s = subjects.get(i);
            acc[i] = new TimedLoop.Accumulator();
            try {
                TimedLoop.warmUp(label(s), warmUp, s.call(), progress);
            } catch (Exception | LinkageError e) {
                failure[i] = BenchRunner.causes(e);
            }
        }
        Duration slice = duration.dividedBy(rounds);
        if (slice.compareTo(MIN_SLICE) < 0) {
            slice = MIN_SLICE;
        }
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < n; i++) {
                if (failure[i] != null) {
                    continue;
                }
                Subject s = subjects.get(i);
                try {
                    TimedLoop.measure(label(s) + " round " + (r + 1) + "/" + rounds, slice, duration,
                            acc[i].result().seconds(), s.call(), progress, acc[i]);
                } catch (Exception | LinkageError e) {
                    failure[i] = BenchRunner.causes(e);
                }
            }
        }
        List<Outcome> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Subject s = subjects.get(i);
            if (failure[i] != null) {
                progress.result(String.format(Locale.ROOT, "%-54s failed: %s", label(s), failure[i]));
                out.add(new Outcome(s, null, failure[i]));
                continue;
            }
            TimedLoop.Result res = acc[i].result();
            progress.result(String.format(Locale.ROOT, "%-54s %8.1f images/s  p50 %8.2f ms  p99 %8.2f ms",
                    label(s), res.imagesPerSecond(), res.latency().p50Ms(), res.latency().p99Ms()));
            out.add(new Outcome(s, res, null));
        }
        return out;
    }

    private static String label(Subject s) {
        String v = s.variant().length() > 28 ? s.variant().substring(0, 28) : s.variant();
        return s.subject() + " [" + v + "] b" + s.batch();
    }
}
