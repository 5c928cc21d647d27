package dev.peregrine.server.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** Resident set size of this process, from {@code /proc/self/status} (Linux). */
final class Rss {
    private Rss() {
    }

    /** Current VmRSS in bytes. */
    static long current() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    /** Starts sampling every 20 ms on a daemon thread. */
    static Sampler sample() {
        Sampler s = new Sampler();
        s.thread.start();
        return s;
    }

    /** Records the peak RSS until stopped. */
    static final class Sampler {
        private final AtomicLong peak = new AtomicLong(current());
        private volatile boolean running = true;
        private final Thread thread = new Thread(() -> {
            while (running) {
                peak.accumulateAndGet(current(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");

        Sampler() {
            thread.setDaemon(true);
        }

        /** Stops and returns the peak in bytes. */
        long stop() throws InterruptedException {
            running = false;
            thread.join();
            return Math.max(peak.get(), current());
        }
    }
}
