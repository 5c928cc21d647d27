package dev.peregrine.engines.trt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import org.junit.jupiter.api.Test;

class TrtNativesTest {
    @Test
    void probeOnThisMachineReportsMissingNatives() {
        assumeFalse(TrtNatives.availability().isAvailable(), "TensorRT is available here");
        TrtAvailability a = TrtNatives.availability();
        assertThat(a.status()).isEqualTo(TrtAvailability.Status.NO_NATIVES);
        assertThat(a.toException().code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(a.message()).contains("could not be loaded (UnsatisfiedLinkError");
    }

    @Test
    void probeWithoutBindingsReportsACpuOnlyBuild() throws Exception {
        var classes = TrtNatives.class.getProtectionDomain().getCodeSource().getLocation();
        try (HidingClassLoader loader = new HidingClassLoader(classes, getClass().getClassLoader())) {
            TrtNatives.Result r = TrtNatives.probe(loader);
            assertThat(r.availability().status()).isEqualTo(TrtAvailability.Status.NO_BINDINGS);
            assertThat(r.backend()).isNull();
        }
    }

    @Test
    void failuresMapToStatuses() {
        assertThat(TrtNatives.nativeFailure(new UnsatisfiedLinkError("no jnicudart in java.library.path: /usr/lib")))
                .isEqualTo(new TrtAvailability(TrtAvailability.Status.NO_NATIVES,
                        "UnsatisfiedLinkError: no jnicudart in java.library.path: /usr/lib"));
        assertThat(TrtNatives.nativeFailure(new ExceptionInInitializerError(new UnsatisfiedLinkError("libnvinfer.so.11: cannot open"))).detail())
                .isEqualTo("UnsatisfiedLinkError: libnvinfer.so.11: cannot open");
        ExceptionInInitializerError recorded = new ExceptionInInitializerError(
                "Exception java.lang.UnsatisfiedLinkError: no jnicudart in java.library.path: /usr/lib [in thread \"main\"]");
        assertThat(TrtNatives.nativeFailure(new NoClassDefFoundError("Could not initialize class org.bytedeco.cuda.global.cudart")
                .initCause(recorded)).detail()).isEqualTo("UnsatisfiedLinkError: no jnicudart in java.library.path: /usr/lib");
        TrtAvailability noDevice = TrtNatives.nativeFailure(
                new PeregrineException(ErrorCode.UNAVAILABLE, "cudaGetDeviceCount failed: cudaErrorInsufficientDriver"));
        assertThat(noDevice.status()).isEqualTo(TrtAvailability.Status.NO_DEVICE);
        assertThat(noDevice.message()).isEqualTo("TensorRT is not available: no usable CUDA device (cudaGetDeviceCount failed: "
                + "cudaErrorInsufficientDriver). Run the .onnx model on the CPU instead (--device cpu).");
    }
}
