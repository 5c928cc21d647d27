package dev.peregrine.exporter.trt;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Calls {@link BuildProgress#stillWorking} every {@code period} on a daemon thread until closed. */
final class Heartbeat implements AutoCloseable {
    private final ScheduledExecutorService timer;

    private Heartbeat(BuildProgress progress, String description, Duration period) {
        long start = System.nanoTime();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "engine-build-heartbeat");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> progress.stillWorking(description, Duration.ofNanos(System.nanoTime() - start)),
                period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts reporting {@code description} to {@code progress} every {@code period}. */
    static Heartbeat start(BuildProgress progress, String description, Duration period) {
        return new Heartbeat(progress, description, period);
    }

    /** Stops reporting. Idempotent. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
