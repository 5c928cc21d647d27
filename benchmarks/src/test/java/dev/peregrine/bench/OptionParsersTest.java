package dev.peregrine.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionParsersTest {

    @Test
    void formatsParseInOrderWithoutRepeats() throws PeregrineException {
        assertThat(BenchFormat.parseList("onnx-fp32, TRT_FP16,onnx-fp32,,trt-int8"))
                .containsExactly(BenchFormat.ONNX_FP32, BenchFormat.TRT_FP16, BenchFormat.TRT_INT8);
        assertThat(BenchFormat.TRT_FP16.id()).isEqualTo("trt-fp16");
        assertThat(BenchFormat.ONNX_INT8.precision()).isEqualTo(Precision.INT8);
        assertThat(BenchFormat.TRT_FP32.runtime()).isEqualTo(BenchFormat.Runtime.TENSORRT);
        for (BenchFormat f : BenchFormat.values()) {
            assertThat(BenchFormat.parse(f.id())).isEqualTo(f);
        }
    }

    @Test
    void unknownOrEmptyFormatsAreBadInput() {
        assertThatThrownBy(() -> BenchFormat.parseList("onnx-fp32,openvino"))
                .isInstanceOf(PeregrineException.class).hasMessageContaining("openvino")
                .hasMessageContaining("trt-int8");
        assertThatThrownBy(() -> BenchFormat.parseList(" , ")).isInstanceOf(PeregrineException.class)
                .hasMessageContaining("--formats");
    }

    @Test
    void batchListsAreCheckedPositiveIntegers() throws PeregrineException {
        assertThat(OptionParsers.positiveInts("1,4,8", "--batch")).containsExactly(1, 4, 8);
        assertThat(OptionParsers.positiveInts(" 8 ,1, 8", "--batch")).containsExactly(8, 1);
        for (String bad : List.of("0", "-1", "a", "1.5", "", "4097")) {
            assertThatThrownBy(() -> OptionParsers.positiveInts(bad, "--batch"))
                    .isInstanceOf(PeregrineException.class).hasMessageContaining("--batch")
                    .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.BAD_INPUT));
        }
    }

    @Test
    void durations() throws PeregrineException {
        assertThat(OptionParsers.duration("20s", "--duration")).isEqualTo(Duration.ofSeconds(20));
        assertThat(OptionParsers.duration("500ms", "--duration")).isEqualTo(Duration.ofMillis(500));
        assertThat(OptionParsers.duration("1.5s", "--duration")).isEqualTo(Duration.ofMillis(1500));
        assertThat(OptionParsers.duration("2m", "--duration")).isEqualTo(Duration.ofMinutes(2));
        assertThat(OptionParsers.duration("3", "--duration")).isEqualTo(Duration.ofSeconds(3));
        assertThat(OptionParsers.duration("0s", "--warmup")).isZero();
        for (String bad : List.of("", "s", "-1s", "10 parsecs", "2d")) {
            assertThatThrownBy(() -> OptionParsers.duration(bad, "--warmup"))
                    .isInstanceOf(PeregrineException.class).hasMessageContaining("--warmup");
        }
        assertThat(OptionParsers.format(Duration.ofSeconds(20))).isEqualTo("20s");
        assertThat(OptionParsers.format(Duration.ofMillis(300))).isEqualTo("300ms");
    }

    @Test
    void rates() throws PeregrineException {
        assertThat(OptionParsers.rate("50/s", "--rate")).isEqualTo(50.0);
        assertThat(OptionParsers.rate("2.5", "--rate")).isEqualTo(2.5);
        for (String bad : List.of("0/s", "fast", "-3")) {
            assertThatThrownBy(() -> OptionParsers.rate(bad, "--rate")).isInstanceOf(PeregrineException.class);
        }
    }

    @Test
    void vmRssIsReadInBytes() {
        assertThat(ProcessMemory.parseVmRss("Name:\tjava\nVmRSS:\t  123456 kB\nThreads: 3\n"))
                .hasValue(123456L * 1024);
        assertThat(ProcessMemory.parseVmRss("Name:\tjava\n")).isEmpty();
        assertThat(ProcessMemory.residentBytes()).as("Linux test machine").isPresent();
    }
}
