package dev.peregrine.engines.trt;

import org.bytedeco.tensorrt.nvinfer.ILogger;
import org.slf4j.LoggerFactory;

/**
 * The TensorRT logger: forwards every message to SLF4J (logger {@code dev.peregrine.tensorrt}) through a
 * {@link TrtLogRouter}.
 *
 * <p>One instance per process, never freed: TensorRT keeps the first logger it is given for all builders and
 * runtimes (it warns when another one is passed), and runtimes can outlive any one engine, so a per-engine logger
 * would be called after it was deleted. Native: only use after {@link TrtNatives} found TensorRT.
 */
public final class Slf4jTrtLogger extends ILogger {
    private static final TrtLogRouter ROUTER = new TrtLogRouter(LoggerFactory.getLogger("dev.peregrine.tensorrt"));
    private static final Slf4jTrtLogger INSTANCE = new Slf4jTrtLogger();

    private Slf4jTrtLogger() {
        super();
    }

    /** The process-wide logger to pass to {@code createInferBuilder}, {@code createInferRuntime}, {@code createParser}. */
    public static Slf4jTrtLogger instance() {
        return INSTANCE;
    }

    /** The router, to {@link TrtLogRouter#capture() capture} TensorRT's errors around one operation. */
    public static TrtLogRouter router() {
        return ROUTER;
    }

    /** Called by TensorRT, possibly from its own threads. Never throws back into native code. */
    @Override
    public void log(Severity severity, String msg) {
        try {
            ROUTER.log(severity.value, msg);
        } catch (RuntimeException e) {
            // An exception must not unwind through TensorRT's C++ frames.
        }
    }
}
