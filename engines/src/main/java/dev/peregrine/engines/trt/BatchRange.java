package dev.peregrine.engines.trt;

import dev.peregrine.engines.PeregrineException;

/**
 * The batch sizes an engine instance runs: a fixed batch, or the profile's dynamic range capped by the configured
 * maximum. Buffers are allocated once for {@link #max()}.
 *
 * @param min   smallest batch the engine's profile accepts
 * @param max   largest batch this instance runs (profile max, capped)
 * @param fixed true when the engine has one batch size
 */
public record BatchRange(int min, int max, boolean fixed) {

    public BatchRange {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("batch range must satisfy 1 <= min <= max, got " + min + ".." + max);
        }
    }

    /**
     * The range of an engine input's profile (batch = dimension 0), with a dynamic range capped at {@code cap}.
     * A cap below the profile's minimum is raised to it (the engine cannot run smaller batches anyway).
     */
    public static BatchRange of(ShapeProfile profile, int cap) {
        int lo = Math.toIntExact(profile.min()[0]);
        int hi = Math.toIntExact(profile.max()[0]);
        if (lo == hi) {
            return new BatchRange(lo, hi, true);
        }
        return new BatchRange(lo, Math.max(lo, Math.min(hi, cap)), false);
    }

    /**
     * The batch to run for {@code images} images: the fixed batch, or {@code images} raised to the profile minimum.
     * The extra slots hold stale data and their outputs are not returned.
     *
     * @throws PeregrineException BAD_INPUT when {@code images} is below 1 or above {@link #max()}
     */
    public int runBatch(int images) throws PeregrineException {
        if (images < 1 || images > max) {
            throw PeregrineException.badInput("batch of " + images + " images is outside 1.." + max + " for this engine");
        }
        return fixed ? max : Math.max(images, min);
    }
}
