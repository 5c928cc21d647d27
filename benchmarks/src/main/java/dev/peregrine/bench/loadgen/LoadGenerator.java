package dev.peregrine.bench.loadgen;

import dev.peregrine.bench.LatencyRecorder;
import dev.peregrine.bench.LatencyStats;
import dev.peregrine.bench.run.BenchProgress;
import dev.peregrine.bench.run.EncodedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends detect requests to a Peregrine server in steps, in the spirit of Triton's perf_analyzer: closed-loop steps
 * keep N requests in flight (each virtual user sends its next request when the previous one answered), an
 * open-loop step sends at a fixed rate whatever the server does. Every step is bounded by its duration and by a
 * request count; the last responses are awaited for at most the request timeout. Around each step the server's
 * {@code /metrics} are scraped, so that the batch sizes it formed and the queue time come with the client figures.
 *
 * <p>Uses the JDK {@link HttpClient} (HTTP/1.1); images are sent as raw bodies with their media type.
 */
public final class LoadGenerator implements AutoCloseable {
    /** Most requests an open-loop step keeps outstanding; beyond it a send is counted as {@code client-backlog}. */
    public static final int MAX_OUTSTANDING = 1024;
    /** Shortest timeout of a {@code /metrics} scrape. */
    static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(10);

    private final LoadgenSettings settings;
    private final List<EncodedImage> images;
    private final HttpClient client;
    private final ExecutorService clientExecutor;
    private final AtomicInteger nextImage = new AtomicInteger();

    /**
     * @param settings where and how hard to send
     * @param images   request bodies to cycle through
     */
    public LoadGenerator(LoadgenSettings settings, List<EncodedImage> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images");
        }
        this.settings = settings;
        this.images = List.copyOf(images);
        this.clientExecutor = Executors.newCachedThreadPool(daemon("loadgen-http"));
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout()).executor(clientExecutor).build();
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

    /** Keeps {@code users} requests in flight for the step's duration or request budget. */
    StepResult closedLoop(int users, BenchProgress progress) throws InterruptedException {
        String label = "concurrency " + users;
        progress.stage(label);
        Scrape before = scrape();
        Tally tally = new Tally();
        AtomicLong issued = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + settings.duration().toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(users, daemon("loadgen-user"));
        List<LatencyRecorder> recorders = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            LatencyRecorder rec = new LatencyRecorder(1024);
            recorders.add(rec);
            pool.execute(() -> {
                while (System.nanoTime() < deadline && issued.incrementAndGet() <= settings.maxRequests()) {
                    long t0 = System.nanoTime();
                    String outcome = sendBlocking();
                    tally.count(outcome);
                    if (outcome.equals("200")) {
                        rec.add(System.nanoTime() - t0);
                    }
                }
            });
        }
        pool.shutdown();
        awaitStep(pool, deadline, label, start, tally, progress);
        long end = System.nanoTime();
        return result(label, users, Double.NaN, tally, merge(recorders).stats(), start, end, before);
    }

    /** Sends at {@code rate} requests per second for the step's duration or request budget. */
    StepResult openLoop(double rate, BenchProgress progress) throws InterruptedException {
        String label = String.format(Locale.ROOT, "rate %.1f/s", rate);
        progress.stage(label);
        Scrape before = scrape();
        Tally tally = new Tally();
        LatencyRecorder latencies = new LatencyRecorder(1024);
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
            inFlight.add(client.sendAsync(request(), HttpResponse.BodyHandlers.discarding())
                    .handle((resp, err) -> {
                        String outcome = outcome(resp, err);
                        tally.count(outcome);
                        if (outcome.equals("200")) {
                            synchronized (latencies) {
                                latencies.add(System.nanoTime() - intended);
                            }
                        }
                        outstanding.release();
                        return null;
                    }));
            if (System.nanoTime() - lastReport > 200_000_000L) {
                lastReport = System.nanoTime();
                progress.measuring(label, false, (lastReport - start) / 1e9, settings.duration().toSeconds(),
                        tally.ok());
            }
        }
        long waitUntil = System.nanoTime() + settings.timeout().toNanos();
        for (CompletableFuture<?> f : inFlight) {
            long left = waitUntil - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                f.get(left, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // counted by the handler, or abandoned below
            }
        }
        long abandoned = inFlight.stream().filter(f -> !f.isDone()).count();
        inFlight.forEach(f -> f.cancel(true));
        for (long i = 0; i < abandoned; i++) {
            tally.count("abandoned");
        }
        long end = System.nanoTime();
        LatencyStats stats;
        synchronized (latencies) {
            stats = latencies.stats();
        }
        return result(label, 0, rate, tally, stats, start, end, before);
    }

    private void awaitStep(ExecutorService pool, long deadline, String label, long start, Tally tally,
            BenchProgress progress) throws InterruptedException {
        long hardStop = deadline + settings.timeout().toNanos();
        while (!pool.awaitTermination(200, TimeUnit.MILLISECONDS)) {
            long now = System.nanoTime();
            progress.measuring(label, false, (now - start) / 1e9, settings.duration().toNanos() / 1e9, tally.ok());
            if (now > hardStop) {
                // Users stuck past the request timeout: interrupt them rather than overrun the step's bound.
                pool.shutdownNow();
                pool.awaitTermination(5, TimeUnit.SECONDS);
                break;
            }
        }
    }

    private StepResult result(String label, int users, double rate, Tally tally, LatencyStats latencies,
            long start, long end, Scrape before) {
        Scrape after = scrape();
        ServerSideFigures server = null;
        String note = "";
        if (before.text() != null && after.text() != null) {
            server = MetricsDelta.of(before.text(), after.text(), settings.model());
        } else {
            note = "server metrics unavailable: " + (before.error() != null ? before.error() : after.error());
        }
        double seconds = (end - start) / 1e9;
        return new StepResult(label, users, rate, tally.sent(), tally.ok(), seconds, tally.ok() / seconds,
                latencies, tally.snapshot(), server, note);
    }

    /** One blocking request; returns its outcome. */
    private String sendBlocking() {
        try {
            HttpResponse<Void> r = client.send(request(), HttpResponse.BodyHandlers.discarding());
            return Integer.toString(r.statusCode());
        } catch (HttpTimeoutException e) {
            return "timeout";
        } catch (IOException e) {
            return "io-error";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static String outcome(HttpResponse<?> resp, Throwable err) {
        if (resp != null) {
            return Integer.toString(resp.statusCode());
        }
        Throwable t = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                ? err.getCause() : err;
        if (t instanceof HttpTimeoutException) {
            return "timeout";
        }
        if (t instanceof java.util.concurrent.CancellationException) {
            return "abandoned";
        }
        return "io-error";
    }

    private HttpRequest request() {
        EncodedImage img = images.get(Math.floorMod(nextImage.getAndIncrement(), images.size()));
        return HttpRequest.newBuilder(settings.detectUri()).timeout(settings.timeout())
                .header("Content-Type", mediaType(img.name()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(img.bytes())).build();
    }

    /** Media type from the file extension. */
    static String mediaType(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".png")) {
            return "image/png";
        }
        if (n.endsWith(".bmp")) {
            return "image/bmp";
        }
        if (n.endsWith(".webp")) {
            return "image/webp";
        }
        return "image/jpeg";
    }

    /** A scrape of {@code /metrics}, or why there is none. */
    private record Scrape(PrometheusText text, String error) {
    }

    private Scrape scrape() {
        URI uri = settings.metricsUri();
        // A scrape is not load: it gets at least SCRAPE_TIMEOUT even when requests have a tight timeout.
        Duration timeout = settings.timeout().compareTo(SCRAPE_TIMEOUT) > 0 ? settings.timeout() : SCRAPE_TIMEOUT;
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET()
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

    private static LatencyRecorder merge(List<LatencyRecorder> recorders) {
        LatencyRecorder all = new LatencyRecorder(1024);
        for (LatencyRecorder r : recorders) {
            r.forEach(all::add);
        }
        return all;
    }

    /** Outcome counts shared by the request threads. */
    private static final class Tally {
        private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

        void count(String outcome) {
            counts.computeIfAbsent(outcome, k -> new LongAdder()).increment();
        }

        long ok() {
            LongAdder a = counts.get("200");
            return a == null ? 0 : a.sum();
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

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        clientExecutor.shutdownNow();
    }
}
