package dev.peregrine.server.cli;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.PeregrineException;
import picocli.CommandLine.Option;

/**
 * The {@code --conf}, {@code --iou} and {@code --max-det} options of {@code predict} and {@code val}, as a picocli
 * mixin. The defaults are those of the {@link DetectOptions} the command starts from (Ultralytics predict or val),
 * so the mixin is created with them: {@code @Mixin DetectThresholds thresholds = new
 * DetectThresholds(DetectOptions.defaults());}.
 */
final class DetectThresholds {

    // No defaultValue: picocli takes (and shows as ${DEFAULT-VALUE}) the values the constructor sets.
    @Option(names = "--conf", description = "Minimum score (default: ${DEFAULT-VALUE}).")
    float conf;

    @Option(names = "--iou", description = "NMS IoU threshold (default: ${DEFAULT-VALUE}).")
    float iou;

    @Option(names = "--max-det", description = "Most detections per image (default: ${DEFAULT-VALUE}).")
    int maxDet;

    /** Options whose thresholds default to those of {@code defaults}. */
    DetectThresholds(DetectOptions defaults) {
        this.conf = defaults.conf();
        this.iou = defaults.iou();
        this.maxDet = defaults.maxDet();
    }

    /** {@code --conf}. */
    float conf() {
        return conf;
    }

    /** {@code --iou}. */
    float iou() {
        return iou;
    }

    /** {@code --max-det}. */
    int maxDet() {
        return maxDet;
    }

    /**
     * The post-processing settings with these thresholds and the given class filter and NMS mode.
     *
     * @throws PeregrineException BAD_INPUT naming the option that is out of range
     */
    DetectOptions options(int[] classes, boolean agnostic, boolean multiLabel) throws PeregrineException {
        try {
            return new DetectOptions(conf, iou, maxDet, classes, agnostic, multiLabel);
        } catch (IllegalArgumentException e) {
            throw PeregrineException.badInput(e.getMessage().replace("max_det", "--max-det").replace("conf must",
                    "--conf must").replace("iou must", "--iou must"));
        }
    }
}
