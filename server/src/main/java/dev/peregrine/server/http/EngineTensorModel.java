package dev.peregrine.server.http;

import dev.peregrine.engines.Engine;
import dev.peregrine.engines.EngineOutputs;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.TensorSpec;
import dev.peregrine.server.batch.BatchPolicy;
import dev.peregrine.server.batch.BatcherListener;
import dev.peregrine.server.batch.Deadline;
import dev.peregrine.server.batch.DynamicBatcher;
import dev.peregrine.server.batch.MonotonicClock;
import dev.peregrine.server.batch.QueueStats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The tensor view of a served model: requests' images are queued one by one in this view's own
 * {@link DynamicBatcher} (same policy as the model's detect queue), copied into one reusable direct input buffer
 * per batch, and run on the model's engine between its detection batches ({@link SharedEngineDetector}). The raw
 * {@code output0} of each image is copied from the engine straight into its slot of the request's output
 * ({@link TensorBytes}, pooled native memory, little-endian as the protocols send it), so the output is assembled in
 * order without a heap copy.
 */
final class EngineTensorModel implements TensorModel {
    private final SharedEngineDetector shared;
    private final TensorSpec input;
    private final TensorSpec output;
    private final int floatsPerImage;
    /** Output values per image, from the output spec. */
    private final int outputsPerImage;
    private final FloatBuffer batchInput;
    private final DynamicBatcher<Item, Boolean> batcher;

    /**
     * One queued image: a view of the request's floats, the request's output and the image's slot in it, and what
     * to run when the batcher no longer reads the input or writes the output. The item holds its own reference to
     * the output, released with it.
     */
    private record Item(FloatBuffer image, Runnable released, TensorBytes output, int slot) {
        void release() {
            released.run();
            output.release();
        }
    }

    /**
     * @param name   model name (names the batcher's thread)
     * @param shared the model's first engine instance
     * @param policy the model's batching policy; the batch is capped at what the engine accepts
     * @param listener where the batcher reports batches, queue times and drops (the server's metrics)
     */
    EngineTensorModel(String name, SharedEngineDetector shared, BatchPolicy policy, BatcherListener listener)
            throws PeregrineException {
        this.shared = shared;
        Engine engine = shared.engine();
        ModelInfo info = shared.info();
        TensorSpec in = engine.inputs().get(0);
        this.input = new TensorSpec(in.name(), "float", new long[] {-1, info.channels(), info.inputHeight(),
                info.inputWidth()});
        this.floatsPerImage = info.channels() * info.inputHeight() * info.inputWidth();
        int maxBatch = Math.min(policy.maxBatch(), engine.maxBatch());
        this.batchInput = ByteBuffer.allocateDirect(maxBatch * floatsPerImage * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        this.output = outputSpec(shared, batchInput, floatsPerImage);
        long perImage = 1;
        for (int i = 1; i < output.shape().length; i++) {
            perImage *= output.shape()[i];
        }
        this.outputsPerImage = Math.toIntExact(perImage);
        this.batcher = DynamicBatcher.<Item, Boolean>builder(name + "-tensors", policy.withMaxBatch(maxBatch))
                .runner(this::run)
                .releaser(Item::release)
                .clock(MonotonicClock.SYSTEM)
                .listener(listener)
                .build();
    }

    /**
     * The output spec with every dimension but the batch known: a model exported with dynamic axes declares its
     * anchor count as dynamic too, so one run on a blank image reads the real shape for the model's input size.
     */
    private static TensorSpec outputSpec(SharedEngineDetector shared, FloatBuffer scratch, int floatsPerImage)
            throws PeregrineException {
        TensorSpec declared = shared.engine().outputs().get(0);
        long[] shape = declared.shape();
        boolean dynamic = false;
        for (int i = 1; i < shape.length; i++) {
            dynamic |= shape[i] < 0;
        }
        if (dynamic) {
            long[] actual = shared.withEngine(engine -> {
                scratch.clear();
                scratch.limit(floatsPerImage); // zeros: a direct buffer starts cleared
                return engine.run(scratch, 1).get(0).shape();
            });
            shape = actual.clone();
        }
        shape[0] = -1;
        return new TensorSpec(declared.name(), "float", shape);
    }

    @Override
    public TensorSpec input() {
        return input;
    }

    @Override
    public TensorSpec output() {
        return output;
    }

    @Override
    public CompletableFuture<RawOutput> infer(FloatBuffer nchw, int batch, Deadline deadline,
                                              Runnable imageReleased) {
        TensorBytes out;
        try {
            out = TensorBytes.allocate(Math.multiplyExact(batch, outputsPerImage));
        } catch (PeregrineException | ArithmeticException e) {
            for (int i = 0; i < batch; i++) {
                imageReleased.run();
            }
            return CompletableFuture.failedFuture(e instanceof PeregrineException ? e
                    : PeregrineException.badInput("the output of a batch of " + batch + " is too large"));
        }
        List<CompletableFuture<Boolean>> parts = new ArrayList<>(batch);
        int b = 0;
        while (b < batch) {
            FloatBuffer image = nchw.duplicate().position(b * floatsPerImage).limit((b + 1) * floatsPerImage).slice();
            CompletableFuture<Boolean> part = batcher.submit(new Item(image, imageReleased, out.retain(), b),
                    (long) floatsPerImage * Float.BYTES, deadline);
            parts.add(part);
            b++;
            if (part.isCompletedExceptionally()) {
                parts.forEach(p -> p.cancel(false)); // refused: withdraw the images already queued
                imageReleased.run(); // the batcher releases only what it accepted
                out.release();
                break;
            }
        }
        for (int notSubmitted = b; notSubmitted < batch; notSubmitted++) {
            imageReleased.run();
        }
        long[] shape = output.shape();
        shape[0] = batch;
        CompletableFuture<RawOutput> all = CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(v -> new RawOutput(output.name(), shape, out));
        all.whenComplete((r, e) -> {
            if (e != null) {
                out.release(); // the request's reference: nobody will answer with it
                if (all.isCancelled()) {
                    parts.forEach(p -> p.cancel(false)); // cancelling the request withdraws what is still queued
                }
            }
        });
        return all;
    }

    /** One batch on the batcher's thread: fill the direct buffer, run, write each image's output into its slot. */
    private List<Boolean> run(List<Item> images) throws PeregrineException {
        return shared.withEngine(engine -> {
            batchInput.clear();
            for (Item item : images) {
                batchInput.put(item.image().duplicate());
            }
            batchInput.flip();
            EngineOutputs outputs = engine.run(batchInput, images.size());
            EngineOutputs.OutputTensor out = outputs.get(0);
            FloatBuffer data = out.data();
            if (data.remaining() != (long) outputsPerImage * images.size()) {
                throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "output '" + out.name() + "' has "
                        + data.remaining() + " values for " + images.size() + " images; expected "
                        + outputsPerImage + " per image");
            }
            List<Boolean> done = new ArrayList<>(images.size());
            for (int i = 0; i < images.size(); i++) {
                Item item = images.get(i);
                item.output().floats().put(item.slot() * outputsPerImage, data, data.position() + i * outputsPerImage,
                        outputsPerImage);
                done.add(Boolean.TRUE);
            }
            return done;
        });
    }

    /** Images and bytes waiting in this view's queue now. */
    QueueStats queueStats() {
        return batcher.stats();
    }

    /** Stops admitting and lets queued tensors run for up to {@code grace}. */
    void beginShutdown(Duration grace) {
        batcher.beginShutdown(grace);
    }

    /** Waits for the batcher's thread to end. */
    boolean awaitTermination(Duration timeout) {
        return batcher.awaitTermination(timeout);
    }
}
