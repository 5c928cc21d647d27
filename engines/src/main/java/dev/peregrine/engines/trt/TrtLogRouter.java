package dev.peregrine.engines.trt;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;

/**
 * Routes TensorRT log messages to SLF4J and lets a caller collect the errors TensorRT reports during one operation
 * (a parse, a build, a deserialization), so that the exception it throws can say what TensorRT said.
 *
 * <p>Level mapping: internal error and error to ERROR, warning to WARN, info to DEBUG (TensorRT's info is chatty:
 * one line per build phase and tactic), verbose to TRACE. Pure Java; the TensorRT {@code ILogger} subclass only
 * forwards to {@link #log(int, String)}.
 */
public final class TrtLogRouter {
    /** TensorRT's {@code ILogger::Severity} values. */
    public static final int INTERNAL_ERROR = 0;
    /** Severity: error. */
    public static final int ERROR = 1;
    /** Severity: warning. */
    public static final int WARNING = 2;
    /** Severity: info. */
    public static final int INFO = 3;
    /** Severity: verbose. */
    public static final int VERBOSE = 4;

    /** A capture keeps at most this many messages: the first errors are the informative ones. */
    static final int CAPTURE_LIMIT = 16;

    private final Logger log;
    private final List<ErrorCapture> captures = new CopyOnWriteArrayList<>();
    private volatile String lastError = "";

    /** Routes to {@code log}. */
    public TrtLogRouter(Logger log) {
        this.log = log;
    }

    /**
     * Logs one TensorRT message. Called from TensorRT's threads: must not throw.
     *
     * @param severity an {@code ILogger::Severity} value (0 internal error .. 4 verbose)
     */
    public void log(int severity, String message) {
        String msg = message == null ? "" : message.strip();
        switch (severity) {
            case INTERNAL_ERROR, ERROR -> {
                log.error("TensorRT: {}", msg);
                lastError = msg;
                for (ErrorCapture c : captures) {
                    c.add(msg);
                }
            }
            case WARNING -> log.warn("TensorRT: {}", msg);
            case INFO -> log.debug("TensorRT: {}", msg);
            default -> log.trace("TensorRT: {}", msg);
        }
    }

    /**
     * The most recent error TensorRT logged, or empty. Hot paths use it instead of a {@link #capture()} (which
     * allocates) to explain a failed call.
     */
    public String lastError() {
        return lastError;
    }

    /** Starts collecting error messages until the returned capture is closed. */
    public ErrorCapture capture() {
        ErrorCapture c = new ErrorCapture(this);
        captures.add(c);
        return c;
    }

    /**
     * The error messages TensorRT logged while this capture was open. Messages from other threads' concurrent
     * operations can appear too (TensorRT has one process-wide logger); they are still TensorRT's errors.
     */
    public static final class ErrorCapture implements AutoCloseable {
        private final TrtLogRouter router;
        private final List<String> messages = new ArrayList<>();

        private ErrorCapture(TrtLogRouter router) {
            this.router = router;
        }

        private synchronized void add(String msg) {
            if (messages.size() < CAPTURE_LIMIT) {
                messages.add(msg);
            }
        }

        /** The captured messages, oldest first. */
        public synchronized List<String> messages() {
            return List.copyOf(messages);
        }

        /** {@code ": msg1; msg2"} for appending to an exception message, or empty when nothing was captured. */
        public synchronized String summary() {
            return messages.isEmpty() ? "" : ": " + String.join("; ", messages);
        }

        /** Stops capturing. Idempotent. */
        @Override
        public void close() {
            router.captures.remove(this);
        }
    }
}
