package dev.peregrine.bench.loadgen;

import dev.peregrine.bench.LatencyRecorder;
import dev.peregrine.bench.LatencyStats;
import dev.peregrine.bench.report.Stage;
import dev.peregrine.bench.run.BenchProgress;
import dev.peregrine.bench.run.EncodedImage;
import dev.peregrine.bench.run.Interleaved;
import dev.peregrine.bench.run.Subject;
import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detector;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.time.Duration;
import java.util.List;

/**
 * The server's overhead at concurrency 1, measured against the bare {@link Detector} in this process: one request at a
 * time to the server, and the same images through a detector opened on the same model (bytes in memory to
 * detections: decode, letterbox, engine, decoding, NMS, with the server's default detect options), in alternating
 * rounds ({@link Interleaved}) so that a load change on a shared machine hits both alike. The difference of the two
 * latencies is what HTTP, JSON, queueing and the server's thread hand-overs add to a request; the server's own
 * per-request stage times give the same figure a second way ({@link Result#outsideDetector()}).
 */
public final class BareComparison {
    private BareComparison() {
    }

    /**
     * What the comparison measured.
     *
     * @param server          latency of a detect request at concurrency 1, as the client saw it
     * @param bare            latency of the bare detector on one image
     * @param outsideDetector per request, the client latency less the detector time the server reported
     * @param rounds          alternating rounds
     * @param failure         why a subject stopped (then its figures are {@link LatencyStats#EMPTY}), or null
     */
    public record Result(LatencyStats server, LatencyStats bare, LatencyStats outsideDetector, int rounds,
            String failure) {
        /** Server p50 less bare p50, in milliseconds. */
        public double overheadP50Ms() {
            return server.p50Ms() - bare.p50Ms();
        }

        /** Server mean less bare mean, in milliseconds. */
        public double overheadMeanMs() {
            return server.meanMs() - bare.meanMs();
        }
    }

    /**
     * Runs the comparison.
     *
     * @param client   the load generator's detect client: its request {@code i} is {@code images.get(i)}
     * @param detector an open detector on the model the server serves; not closed here
     * @param images   images to cycle through, the same sequence for both
     * @param warmUp   warm-up of each subject, not counted
     * @param duration measuring time of each subject
     */
    static Result run(LoadClient client, Detector detector, List<EncodedImage> images, Duration warmUp,
            Duration duration, BenchProgress progress) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images");
        }
        LatencyRecorder outside = new LatencyRecorder(1024);
        int[] nextHttp = {0};
        int[] nextBare = {0};
        DetectOptions options = DetectOptions.defaults();
        Subject http = new Subject("server", "HTTP, concurrency 1", Stage.END_TO_END, 1, measured -> {
            int index = nextHttp[0]++ % images.size();
            EncodedImage img = images.get(index);
            long t0 = System.nanoTime();
            Reply reply = client.sendBlocking(index);
            long nanos = System.nanoTime() - t0;
            if (!reply.ok()) {
                throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "the server answered " + reply.outcome()
                        + " to " + img.name() + " at concurrency 1");
            }
            long outsideNanos = reply.outsideDetectorNanos(nanos);
            if (measured && outsideNanos >= 0) {
                outside.add(outsideNanos);
            }
            return 1;
        });
        Subject bare = new Subject("peregrine", "Detector in-process", Stage.END_TO_END, 1, measured -> {
            EncodedImage img = images.get(nextBare[0]++ % images.size());
            detector.detect(img.bytes(), options);
            return 1;
        });
        int rounds = Interleaved.rounds(duration);
        List<Interleaved.Outcome> outcomes = Interleaved.outcomes(List.of(http, bare), warmUp, duration, rounds,
                progress);
        String failure = null;
        for (Interleaved.Outcome o : outcomes) {
            if (o.failure() != null) {
                failure = o.subject().subject() + ": " + o.failure();
            }
        }
        return new Result(stats(outcomes.get(0)), stats(outcomes.get(1)),
                outside.count() == 0 ? null : outside.stats(), rounds, failure);
    }

    private static LatencyStats stats(Interleaved.Outcome o) {
        return o.result() == null ? LatencyStats.EMPTY : o.result().latency();
    }
}
