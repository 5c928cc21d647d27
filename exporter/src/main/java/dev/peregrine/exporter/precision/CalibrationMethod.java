package dev.peregrine.exporter.precision;

import dev.peregrine.engines.PeregrineException;
import java.util.Locale;

/** How an activation's quantization range is chosen from the calibration data. */
public enum CalibrationMethod {
    /** The largest absolute value seen: no clipping, coarsest steps. */
    MINMAX,
    /** A high percentile of the absolute values (99.99 % by default): clips rare outliers. */
    PERCENTILE,
    /**
     * The threshold that minimises the KL divergence between the value histogram and its 8-bit quantized version
     * (TensorRT's entropy calibration).
     */
    ENTROPY;

    /** Parses {@code minmax}, {@code percentile} or {@code entropy}. */
    public static CalibrationMethod parse(String text) throws PeregrineException {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw PeregrineException.badInput("unknown calibration method '" + text
                    + "' (expected minmax, percentile or entropy)");
        }
    }
}
