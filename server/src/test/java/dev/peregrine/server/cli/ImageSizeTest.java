package dev.peregrine.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import org.junit.jupiter.api.Test;

/** {@code --imgsz} of predict, val and bench: Ultralytics' SIZE or H,W. */
class ImageSizeTest {

    @Test
    void parsesASquareSizeOrHeightAndWidth() throws Exception {
        assertThat(ImageSize.parse("640")).isEqualTo(new ImageSize(640, 640));
        assertThat(ImageSize.parse("480,640")).isEqualTo(new ImageSize(480, 640));
        assertThat(ImageSize.parse(" 480 x 640 ")).isEqualTo(new ImageSize(480, 640));
        assertThat(ImageSize.parse("480,640").toArray()).containsExactly(480, 640);
    }

    @Test
    void refusesOtherTextAndSizesBelowOne() {
        for (String bad : new String[] {"big", "1,2,3", ",640", ""}) {
            assertThatThrownBy(() -> ImageSize.parse(bad)).as(bad).isInstanceOf(PeregrineException.class)
                    .hasMessage("--imgsz must be SIZE or H,W, got '" + bad + "'")
                    .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.BAD_INPUT));
        }
        assertThatThrownBy(() -> ImageSize.parse("0")).hasMessage("--imgsz must be positive, got '0'");
        assertThatThrownBy(() -> ImageSize.parse("480,-640")).hasMessage("--imgsz must be positive, got '480,-640'");
    }
}
