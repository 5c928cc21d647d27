package dev.peregrine.server.http;

import dev.peregrine.server.batch.MonotonicClock;
import dev.peregrine.server.model.ModelRegistry;
import io.vertx.core.WorkerExecutor;

/**
 * What the two front doors of the Open Inference Protocol, REST ({@link V2Handler}) and gRPC ({@link GrpcInference}),
 * share: the same models, tensor views, admission budget, worker pool, limits, request metrics and clock.
 *
 * @param registry  the served models
 * @param models    name lookup with the protocol's errors
 * @param tensors   the tensor view of each model
 * @param admission the body-byte budget and the drain switch
 * @param workers   the pool that parses requests off the event loop
 * @param config    limits, timeouts, API key
 * @param recorder  request metrics
 * @param clock     deadlines
 */
record InferenceServices(ModelRegistry registry, ModelLookup models, TensorModels tensors, Admission admission,
        WorkerExecutor workers, HttpServerConfig config, RequestRecorder recorder, MonotonicClock clock) {
}
