package dev.peregrine.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Device;
import dev.peregrine.engines.EngineConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The options predict and val share through mixins ({@link DetectThresholds}, {@link EngineRunOptions},
 * {@link DeviceOption}): each command keeps its own defaults, and bad values are named in the error.
 */
class CliMixinsTest {

    private static PredictCommand predict(String... options) {
        PredictCommand cmd = new PredictCommand();
        new CommandLine(cmd).parseArgs(concat(options, "--model", "m.onnx", "bus.jpg"));
        return cmd;
    }

    private static ValCommand val(String... options) {
        ValCommand cmd = new ValCommand();
        new CommandLine(cmd).parseArgs(concat(options, "--model", "m.onnx", "--data", "data.yaml"));
        return cmd;
    }

    private static String[] concat(String[] options, String... required) {
        String[] all = new String[options.length + required.length];
        System.arraycopy(options, 0, all, 0, options.length);
        System.arraycopy(required, 0, all, options.length, required.length);
        return all;
    }

    @Test
    void predictAndValKeepTheirUltralyticsDefaults() throws Exception {
        assertThat(predict().thresholds.options(null, false, false)).isEqualTo(DetectOptions.defaults());
        assertThat(val().thresholds.options(null, false, true)).isEqualTo(DetectOptions.validation());
        EngineConfig config = predict().runOptions.config(Path.of("m.onnx"));
        assertThat(config.device()).isEqualTo(Device.CPU);
        assertThat(config.maxBatch()).isEqualTo(1);
        // picocli shows the defaults the mixin was created with
        String predictHelp = new CommandLine(new PredictCommand()).getUsageMessage();
        String valHelp = new CommandLine(new ValCommand()).getUsageMessage();
        assertThat(predictHelp).contains("Minimum score (default: 0.25)", "NMS IoU threshold (default: 0.7)",
                "Most detections per image (default: 300)", "cpu, cuda or cuda:N (default: cpu)");
        assertThat(valHelp).contains("Minimum score (default: 0.001)", "NMS IoU threshold (default: 0.7)");
    }

    @Test
    void givenValuesReachTheOptionsAndTheEngineConfig() throws Exception {
        PredictCommand p = predict("--conf", "0.5", "--iou", "0.45", "--max-det", "10", "--batch", "4", "--device",
                "cuda:1");
        assertThat(p.thresholds.options(new int[] {2}, true, false))
                .isEqualTo(new DetectOptions(0.5f, 0.45f, 10, new int[] {2}, true, false));
        EngineConfig config = p.runOptions.config(Path.of("m.onnx"));
        assertThat(config.device()).isEqualTo(new Device(Device.Kind.CUDA, 1));
        assertThat(config.maxBatch()).isEqualTo(4);
        assertThat(val("--conf", "0.3").thresholds.options(null, false, true))
                .isEqualTo(DetectOptions.validation().withConf(0.3f));
    }

    @Test
    void badValuesNameTheirOption() {
        assertThatThrownBy(() -> predict("--conf", "1.5").thresholds.options(null, false, false))
                .hasMessageStartingWith("--conf must be in [0, 1]");
        assertThatThrownBy(() -> val("--iou", "-1").thresholds.options(null, false, true))
                .hasMessageStartingWith("--iou must be in [0, 1]");
        assertThatThrownBy(() -> val("--max-det", "0").thresholds.options(null, false, true))
                .hasMessageStartingWith("--max-det must be >= 1");
        assertThatThrownBy(() -> predict("--batch", "0").runOptions.batch()).hasMessage("--batch must be >= 1, got 0");
        assertThatThrownBy(() -> val("--device", "tpu").runOptions.config(Path.of("m.onnx")))
                .hasMessageContaining("unknown device 'tpu'");
    }
}
