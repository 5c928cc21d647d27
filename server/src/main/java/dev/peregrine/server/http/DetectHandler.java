package dev.peregrine.server.http;

import dev.peregrine.engines.Detection;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.PreparedImage;
import dev.peregrine.engines.image.Annotator;
import dev.peregrine.server.batch.Deadline;
import dev.peregrine.server.batch.MonotonicClock;
import dev.peregrine.server.model.ServedModel;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /v1/models/{name}/detect}. In two steps around the body read: {@link #begin} validates the model and
 * the query before a byte of the body is read; {@link #detect} runs each image through header check, decode and
 * letterbox on the worker pool, then through the model's batcher, and answers JSON (all images, in order) or the
 * annotated JPEG.
 *
 * <p>Ownership: a prepared image belongs to this handler until the batcher accepts it, and is closed here when the
 * batcher refuses it or the request ended while it was being prepared.
 */
final class DetectHandler {
    private static final String CALL_KEY = "peregrine.detect";

    private final ModelLookup models;
    private final WorkerExecutor workers;
    private final HttpServerConfig config;
    private final RequestRecorder recorder;
    private final MonotonicClock clock;

    DetectHandler(ModelLookup models, WorkerExecutor workers, HttpServerConfig config, RequestRecorder recorder,
            MonotonicClock clock) {
        this.models = models;
        this.workers = workers;
        this.config = config;
        this.recorder = recorder;
        this.clock = clock;
    }

    /** What {@link #begin} validated, for {@link #detect}. */
    private record Call(ServedModel model, ModelInfo info, DetectQuery query, Duration timeout) {
    }

    /** Step 1, before the body: model, query and timeout. */
    void begin(RoutingContext ctx) {
        try {
            ServedModel model = models.ready(ctx.pathParam("name"));
            ModelInfo info = model.info();
            DetectQuery query = DetectQuery.parse(ctx.queryParams(), ctx.request().getHeader(HttpHeaders.ACCEPT), info);
            Duration timeout = RequestTimeouts.effective(ctx.request(), config.requestTimeout());
            ctx.put(CALL_KEY, new Call(model, info, query, timeout));
            ctx.next();
        } catch (PeregrineException e) {
            ctx.fail(e);
        }
    }

    /** Step 2, once the images are in memory. */
    void detect(RoutingContext ctx) {
        Call call = ctx.get(CALL_KEY);
        List<PooledBody> images;
        try {
            images = ImageBodies.images(ctx);
            if (call.query().annotate() && images.size() != 1) {
                throw PeregrineException.badInput("annotate=true answers with one image; this request has "
                        + images.size() + " (ask for JSON to detect several)");
            }
        } catch (PeregrineException e) {
            ctx.fail(e);
            return;
        }
        Exchange ex = Exchange.open(ctx, "detect", call.model().name(), recorder);
        ex.armDeadline(call.timeout());
        Deadline deadline = Deadline.after(call.timeout(), clock);
        Context context = ctx.vertx().getOrCreateContext();
        List<Future<ImageResult>> results = new ArrayList<>(images.size());
        for (PooledBody image : images) {
            results.add(detectOne(ex, context, call, image, deadline));
        }
        Future.all(results).onComplete(all -> {
            if (all.failed()) {
                ex.fail(all.cause());
                return;
            }
            List<ImageResult> done = new ArrayList<>(results.size());
            results.forEach(f -> done.add(f.result()));
            if (call.query().annotate()) {
                answerJpeg(ex, call, images.get(0), done.get(0));
            } else {
                answerJson(ex, call, done);
            }
        });
    }

    /**
     * One image: checked, decoded, letterboxed and queued on a worker thread, then answered on the event loop. The
     * worker submits to the batcher itself (the batcher is thread-safe) rather than hopping back to the event loop
     * first, so that a request crosses threads three times (event loop, worker, inference thread, event loop)
     * instead of four; registering the queued work with the exchange for cancellation happens on the event loop
     * while the batch runs.
     */
    private Future<ImageResult> detectOne(Exchange ex, Context context, Call call, PooledBody encoded,
                                          Deadline deadline) {
        long received = System.nanoTime();
        // The worker's own reference: the request's may go (client gone) while the worker still decodes.
        encoded.retain();
        Future<Queued> queued = workers.executeBlocking(
                () -> prepareAndSubmit(ex, call, encoded.bytes(), deadline, received), false);
        queued.onComplete(done -> encoded.release());
        return queued.compose(q -> {
            ex.track(q.work());
            return Future.fromCompletionStage(q.work(), context).map(dets -> q.result(dets));
        });
    }

    /** Runs on a worker thread. */
    private Queued prepareAndSubmit(Exchange ex, Call call, ByteBuffer encoded, Deadline deadline, long received)
            throws PeregrineException {
        if (ex.finished()) {
            throw new CancellationException("request ended before its image was decoded");
        }
        long started = System.nanoTime();
        ImageGuard.check(encoded, config.maxPixels());
        if (call.model().state() != ServedModel.State.READY) {
            // Shutdown began while this request waited: refuse before touching a detector that may close.
            throw new PeregrineException(ErrorCode.OVERLOADED, "model '" + call.model().name()
                    + "' is shutting down");
        }
        PreparedImage img = call.model().detector().prepare(encoded);
        long prepared = System.nanoTime();
        if (ex.finished()) {
            img.close();
            throw new CancellationException("request ended before its image was queued");
        }
        CompletableFuture<List<Detection>> queued;
        try {
            queued = call.model().submit(img, call.query().options(), deadline);
        } catch (RuntimeException e) {
            img.close();
            throw e;
        }
        if (queued.isCompletedExceptionally()) {
            img.close(); // refused at admission, so still ours; close() is idempotent if the batcher closed it too
        }
        // The size is read now: once queued, the batcher owns the image and may close it.
        return new Queued(img, img.originalWidth(), img.originalHeight(), queued, received, started, prepared);
    }

    /**
     * An image handed to the batcher, with the moments ({@link System#nanoTime()}) of its way there.
     *
     * @param image    the image, owned by the batcher once queued (only its batch stamps are read afterwards)
     * @param width    original width
     * @param height   original height
     * @param work     the batcher's future of its detections
     * @param received when the event loop handed it to the worker pool
     * @param started  when a worker began on it
     * @param prepared when decode and letterbox finished
     */
    private record Queued(PreparedImage image, int width, int height, CompletableFuture<List<Detection>> work,
            long received, long started, long prepared) {
        ImageResult result(List<Detection> dets) {
            long now = System.nanoTime();
            long batchStart = now;
            long batchEnd = now;
            if (image instanceof TimedImage t && t.stamped()) {
                batchStart = t.batchStartNanos();
                batchEnd = t.batchEndNanos();
            }
            return new ImageResult(width, height, dets, received, started, prepared, batchStart, batchEnd);
        }
    }

    private void answerJson(Exchange ex, Call call, List<ImageResult> done) {
        Buffer body = DetectionJson.response(call.model().name(), call.info(), done, ex.startNanos()).toBuffer();
        ex.reply(200, Responses.JSON, body);
    }

    private void answerJpeg(Exchange ex, Call call, PooledBody encoded, ImageResult result) {
        encoded.retain();
        workers.executeBlocking(() -> Annotator.annotateJpeg(encoded.bytes(), result.detections(), call.info()), false)
                .onComplete(ar -> {
                    encoded.release();
                    if (ar.failed()) {
                        ex.fail(ar.cause());
                    } else {
                        ex.reply(200, "image/jpeg", Buffer.buffer(ar.result()));
                    }
                });
    }
}
