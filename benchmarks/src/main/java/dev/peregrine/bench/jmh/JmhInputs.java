package dev.peregrine.bench.jmh;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import dev.peregrine.bench.BenchFormat;
import dev.peregrine.bench.run.Artifact;
import dev.peregrine.bench.run.BenchProgress;
import dev.peregrine.bench.run.ModelArtifacts;
import dev.peregrine.engines.Device;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.image.ImageDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Inputs shared by the JMH benchmarks: the model file of a format (exported from a {@code .pt} into a temporary
 * directory when needed) and a decoded test image.
 *
 * <p>Paths are relative to the working directory; the defaults fit a run from the repository root
 * ({@code java -jar benchmarks/target/benchmarks.jar}).
 */
final class JmhInputs {
    /** Default model: the demo detector. */
    static final String DEFAULT_MODEL = "models/shapes-yolov8n.pt";
    /** Default image: a validation image of the demo model's data set, when the fixtures sit beside the checkout. */
    static final String DEFAULT_IMAGE = "../shared/fixtures/trained/images/val/000001.jpg";

    private JmhInputs() {
    }

    /**
     * The model file of {@code format} for {@code model}; INT8 is calibrated on the images of {@code image}'s
     * folder.
     *
     * @throws IllegalStateException with the reason when the format cannot be produced here (JMH reports it)
     */
    static Path model(String model, String format, int maxBatch, String image)
            throws PeregrineException, IOException {
        Path work = Files.createTempDirectory("peregrine-jmh");
        work.toFile().deleteOnExit();
        BenchFormat f = BenchFormat.parse(format);
        // INT8 calibrates on the folder of the benchmark image (the demo model's validation images by default)
        Path imageDir = Path.of(image).toAbsolutePath().getParent();
        Path calibration = imageDir != null && Files.isDirectory(imageDir) ? imageDir : null;
        ModelArtifacts artifacts = new ModelArtifacts(Path.of(model), null, work, device(format), maxBatch, calibration,
                BenchProgress.NONE);
        Artifact a = artifacts.forFormat(f);
        if (!a.available()) {
            throw new IllegalStateException(format + " is not available: " + a.skipReason());
        }
        return a.file();
    }

    /** Where {@code format} runs: the first GPU for TensorRT formats, else the CPU. */
    static Device device(String format) throws PeregrineException {
        return BenchFormat.parse(format).runtime() == BenchFormat.Runtime.TENSORRT ? new Device(Device.Kind.CUDA, 0)
                : Device.CPU;
    }

    /**
     * A BGR image: {@code path} decoded, or, when the file does not exist, a deterministic synthetic 640x480 image
     * (coloured gradients) so that the benchmarks also run without the fixtures.
     */
    static Mat image(String path) throws PeregrineException, IOException {
        Path p = Path.of(path);
        if (!path.isEmpty() && Files.isRegularFile(p)) {
            return ImageDecoder.decode(Files.readAllBytes(p), ImageDecoder.DEFAULT_MAX_PIXELS);
        }
        int w = 640;
        int h = 480;
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                px[i] = (byte) (x * 255 / w);
                px[i + 1] = (byte) (y * 255 / h);
                px[i + 2] = (byte) (((x / 40) + (y / 40)) % 2 == 0 ? 200 : 40);
            }
        }
        Mat m = new Mat(h, w, CV_8UC3);
        try (BytePointer data = new BytePointer(px)) {
            m.data().put(data.position(0).limit(px.length));
        }
        return m;
    }
}
