package dev.peregrine.server.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of a long {@code predict} run on stderr. On a terminal it is a bar redrawn in place
 * ({@code [#####-----] 12/40 images 3.1 img/s}) at most four times a second, and {@link #clear()} erases it so that
 * a result line can go to stdout without the two mixing. Otherwise (redirected, CI logs) it prints a plain line at
 * every tenth of the way, so that logs do not fill with carriage returns.
 */
final class PredictProgress {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 250_000_000L;

    private final PrintWriter err;
    private final int total;
    private final boolean interactive;
    private final long start = System.nanoTime();
    private int done;
    private long lastDraw;
    private int lastTenth;
    private boolean visible;

    /**
     * @param err         where the progress goes
     * @param total       number of images
     * @param interactive true when stderr is a terminal that understands {@code \r}
     */
    PredictProgress(PrintWriter err, int total, boolean interactive) {
        this.err = err;
        this.total = total;
        this.interactive = interactive;
    }

    /** Records {@code n} more finished images. */
    void advance(int n) {
        done += n;
        long now = System.nanoTime();
        if (interactive) {
            if (done >= total || now - lastDraw >= REDRAW_NANOS) {
                lastDraw = now;
                err.print("\r" + text(now));
                err.flush();
                visible = true;
            }
            return;
        }
        int tenth = total == 0 ? 10 : (int) (10L * done / total);
        if (tenth > lastTenth) {
            lastTenth = tenth;
            err.println(text(now));
            err.flush();
        }
    }

    /** Erases the bar from the terminal (before a line goes to stdout). */
    void clear() {
        if (visible) {
            err.print("\r" + " ".repeat(WIDTH + 40) + "\r");
            err.flush();
            visible = false;
        }
    }

    /** Ends the progress display: the terminal bar keeps its last state on its own line. */
    void finish() {
        if (visible) {
            err.println();
            err.flush();
            visible = false;
        }
    }

    private String text(long now) {
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        double seconds = (now - start) / 1e9;
        return String.format(Locale.ROOT, "[%s%s] %d/%d images %.1f img/s", "#".repeat(filled),
                "-".repeat(WIDTH - filled), done, total, seconds > 0 ? done / seconds : 0);
    }
}
