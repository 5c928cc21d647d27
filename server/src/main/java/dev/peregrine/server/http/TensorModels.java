package dev.peregrine.server.http;

import dev.peregrine.server.metrics.ServerMetrics;
import dev.peregrine.server.model.ServedModel;
import java.time.Duration;
import java.util.Optional;

/** Finds the tensor view of a served model for the Open Inference Protocol routes. */
@FunctionalInterface
public interface TensorModels {
    /** No model offers tensors: {@code /v2/models/{name}/infer} answers 422. */
    TensorModels NONE = model -> Optional.empty();

    /** The tensor view of {@code model}, when it has one. */
    Optional<TensorModel> of(ServedModel model);

    /**
     * Records the tensor batches of models loaded from now on into {@code metrics} (batch sizes, queue time, engine
     * time, dropped requests under the model's name, beside its detect batches); called by the server before it
     * loads the models. Nothing to do by default.
     */
    default void attachMetrics(ServerMetrics metrics) {
    }

    /**
     * Stops admitting tensor requests, runs what is queued for up to {@code grace} and refuses the rest; called by
     * the server's shutdown before the engines close. Nothing to do by default.
     */
    default void shutdown(Duration grace) {
    }
}
