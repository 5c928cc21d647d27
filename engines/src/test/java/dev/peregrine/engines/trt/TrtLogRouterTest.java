package dev.peregrine.engines.trt;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class TrtLogRouterTest {
    private static ListAppender<ILoggingEvent> attach(Logger log) {
        ListAppender<ILoggingEvent> app = new ListAppender<>();
        app.start();
        log.addAppender(app);
        log.setLevel(Level.TRACE);
        log.setAdditive(false);
        return app;
    }

    @Test
    void mapsSeveritiesToSlf4jLevels() {
        Logger log = (Logger) LoggerFactory.getLogger("test.trt.levels");
        ListAppender<ILoggingEvent> app = attach(log);
        TrtLogRouter r = new TrtLogRouter(log);
        r.log(TrtLogRouter.INTERNAL_ERROR, "boom");
        r.log(TrtLogRouter.ERROR, "bad node\n");
        r.log(TrtLogRouter.WARNING, "int64 weights");
        r.log(TrtLogRouter.INFO, "phase");
        r.log(TrtLogRouter.VERBOSE, "tactic");
        assertThat(app.list).extracting(ILoggingEvent::getLevel)
                .containsExactly(Level.ERROR, Level.ERROR, Level.WARN, Level.DEBUG, Level.TRACE);
        assertThat(app.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("TensorRT: boom", "TensorRT: bad node", "TensorRT: int64 weights", "TensorRT: phase", "TensorRT: tactic");
        assertThat(r.lastError()).isEqualTo("bad node");
    }

    @Test
    void captureCollectsOnlyErrorsWhileOpenAndIsBounded() {
        Logger log = (Logger) LoggerFactory.getLogger("test.trt.capture");
        attach(log);
        TrtLogRouter r = new TrtLogRouter(log);
        r.log(TrtLogRouter.ERROR, "before");
        TrtLogRouter.ErrorCapture c;
        try (TrtLogRouter.ErrorCapture capture = r.capture()) {
            c = capture;
            r.log(TrtLogRouter.WARNING, "just a warning");
            r.log(TrtLogRouter.ERROR, "Unsupported ONNX operator X");
            for (int i = 0; i < 40; i++) {
                r.log(TrtLogRouter.ERROR, "more " + i);
            }
        }
        r.log(TrtLogRouter.ERROR, "after");
        assertThat(c.messages()).hasSize(TrtLogRouter.CAPTURE_LIMIT).startsWith("Unsupported ONNX operator X", "more 0");
        assertThat(c.summary()).startsWith(": Unsupported ONNX operator X; more 0");
        try (TrtLogRouter.ErrorCapture empty = r.capture()) {
            assertThat(empty.summary()).isEmpty();
        }
    }
}
