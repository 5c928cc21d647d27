package dev.peregrine.engines;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.global.opencv_core;
import org.junit.jupiter.api.Test;

/** The pinned native stacks (ONNX Runtime, OpenCV with its openblas) load on the build platform. */
class NativeLibrariesTest {
    @Test
    void onnxRuntimeAndOpenCvLoad() {
        assertThat(OrtEnvironment.getEnvironment().getVersion()).isNotBlank();
        Loader.load(opencv_core.class);
        assertThat(opencv_core.getVersionMajor()).isEqualTo(4);
    }
}
