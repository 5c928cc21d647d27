package dev.peregrine.server.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code peregrine serve} in its own JVM, started the way the launcher starts it (main class, the test class path),
 * with its output collected, its port read from the "listening" line, and its resident memory readable from
 * {@code /proc}.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/");

    final Process process;
    final int port;
    private final List<String> output;

    private ServerProcess(Process process, int port, List<String> output) {
        this.process = process;
        this.port = port;
        this.output = output;
    }

    /**
     * Starts {@code serve --host 127.0.0.1 --port 0 args...} with {@code jvmOptions}, and waits for the listening
     * line.
     */
    static ServerProcess start(Path root, Path cache, List<String> jvmOptions, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-Dperegrine.root=" + root, "-Dperegrine.cache=" + cache, "-cp",
                System.getProperty("java.class.path"), PeregrineCli.class.getName(), "serve", "--host", "127.0.0.1",
                "--port", "0"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    synchronized (output) {
                        output.add(line);
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("server exited before listening: " + output));
        }, "serve-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return new ServerProcess(p, port.get(3, TimeUnit.MINUTES), output);
        } catch (Exception e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** Polls {@code /health/ready} until 200 (the model is exported, loaded and warmed up). */
    void awaitReady(HttpClient http) throws Exception {
        URI ready = URI.create(url("/health/ready"));
        long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < until) {
            if (http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("server died while loading: " + output());
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("server never became ready: " + output());
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Everything the process printed so far. */
    List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    /** The process's resident set size in bytes; 0 once it has exited. */
    long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            if (process.isAlive()) {
                throw new UncheckedIOException(e);
            }
        }
        return 0; // an exited (zombie) process has no VmRSS line
    }

    /** Samples {@link #rss()} every 20 ms until stopped; returns the peak. */
    RssSampler sampleRss() {
        RssSampler s = new RssSampler();
        s.thread.start();
        return s;
    }

    /** Sends SIGTERM and waits for the exit status. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            throw new IllegalStateException("server did not exit within 2 minutes of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    /** Peak RSS of the server process while it runs. */
    final class RssSampler {
        private final AtomicLong peak = new AtomicLong(rss());
        private volatile boolean running = true;
        private final Thread thread = new Thread(this::loop, "rss-sampler");

        private void loop() {
            while (running && process.isAlive()) {
                peak.accumulateAndGet(rss(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long stop() throws InterruptedException {
            running = false;
            thread.join();
            return Math.max(peak.get(), rss());
        }
    }
}
