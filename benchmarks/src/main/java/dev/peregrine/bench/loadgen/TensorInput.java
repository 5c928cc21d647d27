package dev.peregrine.bench.loadgen;

import dev.peregrine.engines.PeregrineException;
import java.util.List;

/**
 * The image input a tensor protocol sends to: its name and the {@code [batch, 3, H, W]} FP32 shape of one request,
 * checked against the model metadata the server published.
 *
 * @param name   input tensor name, e.g. {@code images}
 * @param batch  images per request
 * @param height input height
 * @param width  input width
 */
record TensorInput(String name, int batch, int height, int width) {

    /**
     * Checks the served input against what the load generator can send: FP32 {@code [N, 3, H, W]} with a fixed
     * height and width, and a batch dimension that is variable ({@code -1}) or equal to {@code batch}.
     *
     * @param model    model name, for messages
     * @param datatype the protocol's datatype name of the input
     * @param shape    the served shape, {@code -1} for a variable dimension
     * @param batch    images per request (--batch)
     * @throws PeregrineException BAD_INPUT naming what does not fit
     */
    static TensorInput of(String model, String name, String datatype, List<Long> shape, int batch)
            throws PeregrineException {
        if (!"FP32".equals(datatype)) {
            throw PeregrineException.badInput("model '" + model + "' input '" + name + "' is " + datatype
                    + "; the tensor protocols send FP32 images");
        }
        if (shape.size() != 4 || shape.get(1) != 3) {
            throw PeregrineException.badInput("model '" + model + "' input '" + name + "' has shape " + shape
                    + "; the tensor protocols send [batch, 3, height, width] images");
        }
        if (shape.get(2) <= 0 || shape.get(3) <= 0) {
            throw PeregrineException.badInput("model '" + model + "' input '" + name + "' has shape " + shape
                    + ": a variable height or width; load it with a fixed size or use --protocol detect");
        }
        if (shape.get(0) > 0 && shape.get(0) != batch) {
            throw PeregrineException.badInput("model '" + model + "' takes batches of exactly " + shape.get(0)
                    + " (input shape " + shape + "); use --batch " + shape.get(0));
        }
        return new TensorInput(name, batch, Math.toIntExact(shape.get(2)), Math.toIntExact(shape.get(3)));
    }

    /** The shape of one request's tensor. */
    long[] shape() {
        return new long[] {batch, 3, height, width};
    }

    /** Bytes of one request's tensor. */
    long bytes() {
        return (long) batch * 3 * height * width * Float.BYTES;
    }
}
