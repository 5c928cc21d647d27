package dev.peregrine.bench.loadgen;

import dev.peregrine.bench.LatencyRecorder;
import dev.peregrine.bench.run.BenchProgress;
import dev.peregrine.bench.run.EncodedImage;
import dev.peregrine.engines.Detector;
import dev.peregrine.engines.PeregrineException;
import io.vertx.core.Future;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends requests to a Peregrine server in steps, in the spirit of Triton's perf_analyzer: closed-loop steps
 * keep N requests in flight (each virtual user sends its next request when the previous one answered), an
 * open-loop step sends at a fixed rate whatever the server does. Every step is bounded by its duration and by a
 * request count; the last responses are awaited for at most the request timeout. A closed-loop step first runs a
 * warm-up at the same concurrency that is not counted, so that neither the server's nor the client's code is
 * measured before the JIT compiled it. Around each measured step the server's {@code /metrics} are scraped, so that
 * the batch sizes it formed and the queue time come with the client figures.
 *
 * <p>Requests go through the {@link LoadClient} of the settings' {@link Protocol}: encoded images to the detect
 * route ({@link DetectClient}), or preprocessed tensors over the Open Inference Protocol's REST
 * ({@link V2RestClient}) or gRPC ({@link V2GrpcClient}) binding, prepared once before the steps. When the detect
 * route reports its stage times, each answer's latency is also split into the detector's share (preprocess +
 * inference) and the rest (HTTP, JSON, queueing, hand-overs), reported as {@link StepResult#outsideDetector()}.
 */
public final class LoadGenerator implements AutoCloseable {
    /** Most requests an open-loop step keeps outstanding; beyond it a send is counted as {@code client-backlog}. */
    public static final int MAX_OUTSTANDING = 1024;
    /** Shortest timeout of a {@code /metrics} scrape. */
    static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(10);
    private static final long PROGRESS_NANOS = 200_000_000L;

    private final LoadgenSettings settings;
    private final LoadClient client;
    private final HttpClient scraper;
    private final AtomicInteger nextRequest = new AtomicInteger();

    /**
     * Opens the client of the settings' protocol and prepares its requests (for the tensor protocols: reads the
     * model's input from the server and preprocesses the images).
     *
     * @param settings where, what and how hard to send
     * @param images   the images the requests are made of, cycled through
     * @throws PeregrineException when the server's model metadata cannot be read or does not fit, or an image is bad
     */
    public LoadGenerator(LoadgenSettings settings, List<EncodedImage> images) throws PeregrineException {
        this(settings, LoadClients.open(settings, images, settings.rate() != null ? MAX_OUTSTANDING
                : settings.concurrency().stream().mapToInt(Integer::intValue).max().orElse(1),
                TensorPayloads.DEFAULT_BUDGET));
    }

    /** Sends through {@code client}, which this generator owns from now on. */
    LoadGenerator(LoadgenSettings settings, LoadClient client) {
        this.settings = settings;
        this.client = client;
        this.scraper = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(SCRAPE_TIMEOUT).build();
    }

    /** Runs every step the settings ask for. */
    public List<StepResult> run(BenchProgress progress) throws InterruptedException {
        List<StepResult> out = new ArrayList<>();
        if (settings.rate() != null) {
            out.add(openLoop(settings.rate(), progress));
        } else {
            for (int c : settings.concurrency()) {
                out.add(closedLoop(c, progress));
            }
        }
        return out;
    }

    /**
     * Measures the server at concurrency 1 against {@code detector} in this process, in alternating rounds (see
     * {@link BareComparison}). Only for {@link Protocol#DETECT}.
     *
     * @param detector an open detector on the model the server serves; not closed here
     * @param images   the images this generator was opened with
     * @throws IllegalStateException for a tensor protocol: the bare detector runs the whole pipeline
     */
    public BareComparison.Result compareBare(Detector detector, List<EncodedImage> images, Duration warmUp,
            Duration duration, BenchProgress progress) {
        if (settings.protocol() != Protocol.DETECT) {
            throw new IllegalStateException("the bare comparison needs --protocol detect");
        }
        return BareComparison.run(client, detector, images, warmUp, duration, progress);
    }

    /** The next request to send, cycling through the prepared ones. */
    int nextRequest() {
        return Math.floorMod(nextRequest.getAndIncrement(), client.requests());
    }

    /** Keeps {@code users} requests in flight for the step's warm-up, then for its duration or request budget. */
    StepResult closedLoop(int users, BenchProgress progress) throws InterruptedException {
        String label = "concurrency " + users;
        progress.stage(label);
        if (!settings.warmup().isZero()) {
            closedPhase(label, true, users, settings.warmup(), Long.MAX_VALUE, new StepTally(), progress);
        }
        Scrape before = scrape();
        StepTally tally = new StepTally();
        long start = System.nanoTime();
        closedPhase(label, false, users, settings.duration(), settings.maxRequests(), tally, progress);
        long end = System.nanoTime();
        return result(label, users, Double.NaN, tally, start, end, before);
    }

    private void closedPhase(String label, boolean warmUp, int users, Duration length, long budget, StepTally tally,
            BenchProgress progress) throws InterruptedException {
        long start = System.nanoTime();
        ClosedLoop loop = new ClosedLoop(start + length.toNanos(), budget, users, tally);
        loop.start();
        long hardStop = start + length.toNanos() + settings.timeout().toNanos() + SCRAPE_TIMEOUT.toNanos();
        while (!loop.finished.await(PROGRESS_NANOS, TimeUnit.NANOSECONDS)) {
            long now = System.nanoTime();
            progress.measuring(label, warmUp, (now - start) / 1e9, length.toNanos() / 1e9, tally.ok());
            if (now > hardStop) {
                break; // every request has its own timeout; this only guards against a stuck client
            }
        }
        loop.stop();
    }

    /**
     * Virtual users that each send their next request from the previous one's completion, on the client's event
     * loop, until the deadline or the request budget.
     */
    private final class ClosedLoop {
        private final long deadline;
        private final long budget;
        private final int users;
        private final StepTally tally;
        private final AtomicLong issued = new AtomicLong();
        private final CountDownLatch finished;
        private volatile boolean stopped;

        ClosedLoop(long deadline, long budget, int users, StepTally tally) {
            this.deadline = deadline;
            this.budget = budget;
            this.users = users;
            this.tally = tally;
            this.finished = new CountDownLatch(users);
        }

        void start() {
            for (int u = 0; u < users; u++) {
                next();
            }
        }

        void stop() {
            stopped = true;
        }

        private void next() {
            boolean again;
            do {
                if (stopped || System.nanoTime() >= deadline || issued.incrementAndGet() > budget) {
                    finished.countDown();
                    return;
                }
                long t0 = System.nanoTime();
                Future<Reply> reply = client.send(nextRequest());
                // A send that failed before any I/O is already complete: loop here rather than recurse from its
                // callback, which would nest one frame per request of the budget.
                again = reply.isComplete();
                if (again) {
                    tally.record(reply.result(), System.nanoTime() - t0);
                } else {
                    reply.onComplete(ar -> {
                        tally.record(ar.result(), System.nanoTime() - t0);
                        next();
                    });
                }
            } while (again);
        }
    }

    /** Sends at {@code rate} requests per second for the step's duration or request budget. */
    StepResult openLoop(double rate, BenchProgress progress) throws InterruptedException {
        String label = String.format(Locale.ROOT, "rate %.1f/s", rate);
        progress.stage(label);
        Scrape before = scrape();
        StepTally tally = new StepTally();
        Semaphore outstanding = new Semaphore(MAX_OUTSTANDING);
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + settings.duration().toNanos();
        double interval = 1e9 / rate;
        long lastReport = start;
        for (long i = 0; i < settings.maxRequests(); i++) {
            long intended = start + (long) (i * interval);
            if (intended >= deadline) {
                break;
            }
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (!outstanding.tryAcquire()) {
                tally.count("client-backlog");
                continue;
            }
            // Latency from the intended send time, so that a slow server cannot hide queueing (coordinated omission).
            inFlight.add(client.send(nextRequest()).onComplete(ar -> {
                tally.record(ar.result(), System.nanoTime() - intended);
                outstanding.release();
            }).toCompletionStage().toCompletableFuture());
            if (System.nanoTime() - lastReport > PROGRESS_NANOS) {
                lastReport = System.nanoTime();
                progress.measuring(label, false, (lastReport - start) / 1e9, settings.duration().toSeconds(),
                        tally.ok());
            }
        }
        long waitUntil = System.nanoTime() + settings.timeout().toNanos() + SCRAPE_TIMEOUT.toNanos();
        for (CompletableFuture<?> f : inFlight) {
            long left = waitUntil - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                f.get(left, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // every send completes with an outcome; a late one is counted as abandoned below
            }
        }
        long abandoned = inFlight.stream().filter(f -> !f.isDone()).count();
        for (long i = 0; i < abandoned; i++) {
            tally.count("abandoned");
        }
        long end = System.nanoTime();
        return result(label, 0, rate, tally, start, end, before);
    }

    private StepResult result(String label, int users, double rate, StepTally tally, long start, long end,
            Scrape before) {
        Scrape after = scrape();
        ServerSideFigures server = null;
        String note = "";
        if (before.text() != null && after.text() != null) {
            server = MetricsDelta.of(before.text(), after.text(), settings.model());
        } else {
            note = "server metrics unavailable: " + (before.error() != null ? before.error() : after.error());
        }
        double seconds = (end - start) / 1e9;
        synchronized (tally) {
            return new StepResult(label, users, rate, tally.sent(), tally.ok(), seconds, tally.ok() / seconds,
                    tally.latencies.stats(), tally.outside.count() == 0 ? null : tally.outside.stats(),
                    tally.snapshot(), server, note);
        }
    }

    /** A scrape of {@code /metrics}, or why there is none. */
    private record Scrape(PrometheusText text, String error) {
    }

    private Scrape scrape() {
        URI uri = settings.metricsUri();
        // A scrape is not load: it gets at least SCRAPE_TIMEOUT even when requests have a tight timeout.
        Duration timeout = settings.timeout().compareTo(SCRAPE_TIMEOUT) > 0 ? settings.timeout() : SCRAPE_TIMEOUT;
        try {
            HttpResponse<String> r = scraper.send(HttpRequest.newBuilder(uri).timeout(timeout).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return new Scrape(null, "GET " + uri + " answered " + r.statusCode());
            }
            return new Scrape(PrometheusText.parse(r.body()), null);
        } catch (IOException e) {
            return new Scrape(null, "GET " + uri + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Scrape(null, "interrupted");
        }
    }

    /**
     * Outcome counts and latencies of one step. Recorded from the client's event loop (and, in open loop, read by
     * the sending thread for progress): the counts are atomic, the samples are guarded by this object's lock.
     */
    static final class StepTally {
        private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
        private final LongAdder ok = new LongAdder();
        private final LatencyRecorder latencies = new LatencyRecorder(1024);
        private final LatencyRecorder outside = new LatencyRecorder(1024);

        void count(String outcome) {
            counts.computeIfAbsent(outcome, k -> new LongAdder()).increment();
        }

        /**
         * Counts {@code reply}; a success adds its latency and, when the server split it, the time outside the
         * detector.
         */
        synchronized void record(Reply reply, long nanos) {
            count(reply.outcome());
            if (!reply.ok()) {
                return;
            }
            ok.increment();
            latencies.add(nanos);
            long outsideNanos = reply.outsideDetectorNanos(nanos);
            if (outsideNanos >= 0) {
                outside.add(outsideNanos);
            }
        }

        long ok() {
            return ok.sum();
        }

        long sent() {
            return counts.entrySet().stream().filter(e -> !e.getKey().equals("client-backlog"))
                    .mapToLong(e -> e.getValue().sum()).sum();
        }

        Map<String, Long> snapshot() {
            Map<String, Long> out = new HashMap<>();
            counts.forEach((k, v) -> out.put(k, v.sum()));
            return out;
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
