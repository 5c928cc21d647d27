package dev.peregrine.bench.cli;

import dev.peregrine.bench.run.BenchProgress;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of {@code bench} on stderr, results on stdout. On a terminal the current phase is one line redrawn in
 * place ({@code onnx-fp32 batch 4 measuring 12.0/20.0 s, 310 images}); otherwise (logs, CI) a plain line per stage
 * and one every ten seconds of a long phase, so that logs show life without filling up with carriage returns.
 */
final class ConsoleProgress implements BenchProgress {
    private static final long PLAIN_EVERY_NANOS = 10_000_000_000L;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean interactive;
    private boolean lineVisible;
    private long lastPlain;

    ConsoleProgress(PrintWriter out, PrintWriter err, boolean interactive) {
        this.out = out;
        this.err = err;
        this.interactive = interactive;
    }

    @Override
    public void stage(String text) {
        clear();
        err.println("· " + text);
        err.flush();
    }

    @Override
    public void measuring(String label, boolean warmUp, double elapsedSeconds, double totalSeconds, long images) {
        String text = totalSeconds > 0
                ? String.format(Locale.ROOT, "%s %s %.1f/%.1f s, %d images", label, warmUp ? "warming up"
                        : "measuring", elapsedSeconds, totalSeconds, images)
                : String.format(Locale.ROOT, "%s: %.1f s, %d images", label, elapsedSeconds, images);
        if (interactive) {
            err.print("\r" + text + "    ");
            err.flush();
            lineVisible = true;
            return;
        }
        long now = System.nanoTime();
        if (now - lastPlain >= PLAIN_EVERY_NANOS) {
            lastPlain = now;
            err.println("  " + text);
            err.flush();
        }
    }

    @Override
    public void result(String line) {
        clear();
        out.println(line);
        out.flush();
    }

    /** Erases the redrawn line before other output. */
    void clear() {
        if (lineVisible) {
            err.print("\r" + " ".repeat(100) + "\r");
            err.flush();
            lineVisible = false;
        }
    }
}
