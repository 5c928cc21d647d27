package dev.peregrine.bench.run;

import ai.onnxruntime.OrtEnvironment;
import dev.peregrine.bench.ProcessMemory;
import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Device;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.image.LetterboxedImage;
import dev.peregrine.engines.ort.OrtOptions;
import dev.peregrine.engines.pipeline.YoloDetector;
import dev.peregrine.engines.trt.GpuMemoryProbe;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;

/**
 * The memory one format costs, measured in a fresh JVM so that nothing else the benchmark did (other formats,
 * INT8 calibration, DJL) blurs it: the child loads the native libraries, reads its baseline, opens the model, runs
 * a few batches of {@code maxBatch} images and reads again. {@link #measure} starts the child and parses its one
 * result line; {@link #main} is the child.
 *
 * <p>Memory is {@code RssAnon} (anonymous resident memory: the session, ONNX Runtime's arenas, OpenCV buffers, the
 * child's small Java heap) and, on CUDA devices, {@link GpuMemoryProbe#usedBytes()}.
 */
public final class MemoryProbe {
    /** Prefix of the child's result line. */
    static final String RESULT = "peregrine-memory";
    private static final long TIMEOUT_SECONDS = 300;
    private static final int RUNS = 3;

    private MemoryProbe() {
    }

    /**
     * Growth of a format's memory from before opening it to after {@value #RUNS} batches.
     *
     * @param ramBytes anonymous resident memory, or null when unknown
     * @param gpuBytes GPU memory, or null off CUDA or when unknown
     */
    public record Footprint(Long ramBytes, Long gpuBytes) {
    }

    /**
     * Measures {@code model} in a child JVM with this JVM's class path.
     *
     * @param image an encoded image file to run (decoded in the child), or null for a grey image
     * @throws PeregrineException ENGINE_FAILURE when the child fails or times out (its output in the message)
     */
    public static Footprint measure(Path model, Device device, int maxBatch, int threads, Path image)
            throws PeregrineException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), MemoryProbe.class.getName(), model.toString(),
                device.toString(), Integer.toString(maxBatch), Integer.toString(threads),
                image == null ? "" : image.toString()));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new PeregrineException(dev.peregrine.engines.ErrorCode.ENGINE_FAILURE, "cannot start a JVM for "
                    + "the memory probe: " + e.getMessage(), e);
        }
        try (InputStream out = p.getInputStream()) {
            // The child prints little; reading to the end also waits for it to finish.
            String text = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw failure("timed out", text);
            }
            for (String line : text.split("\n")) {
                if (line.startsWith(RESULT + " ")) {
                    return parse(line);
                }
            }
            throw failure("exit code " + p.exitValue(), text);
        } catch (IOException e) {
            p.destroyForcibly();
            throw failure(e.getMessage(), "");
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw failure("interrupted", "");
        }
    }

    /** Parses {@code peregrine-memory ram_before=B ram_after=B gpu_before=B gpu_after=B} (-1 = unknown). */
    static Footprint parse(String line) {
        long[] v = new long[4];
        String[] keys = {"ram_before=", "ram_after=", "gpu_before=", "gpu_after="};
        for (String part : line.trim().split("\\s+")) {
            for (int k = 0; k < keys.length; k++) {
                if (part.startsWith(keys[k])) {
                    v[k] = Long.parseLong(part.substring(keys[k].length()));
                }
            }
        }
        return new Footprint(v[0] >= 0 && v[1] >= 0 ? v[1] - v[0] : null,
                v[2] >= 0 && v[3] >= 0 ? v[3] - v[2] : null);
    }

    private static PeregrineException failure(String why, String output) {
        String tail = output.length() > 600 ? output.substring(output.length() - 600) : output;
        return new PeregrineException(dev.peregrine.engines.ErrorCode.ENGINE_FAILURE, "memory probe failed ("
                + why + "): " + tail.strip().replace('\n', ' '));
    }

    /**
     * The child: {@code MODEL DEVICE MAX_BATCH THREADS [IMAGE]}; prints one {@link #RESULT} line.
     */
    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Device device = Device.parse(args[1]);
        int maxBatch = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        Path image = args.length > 4 && !args[4].isEmpty() ? Path.of(args[4]) : null;
        // Libraries first, so that the baseline includes them and the difference is the model's own memory.
        OrtEnvironment.getEnvironment();
        Loader.load(opencv_core.class);
        Loader.load(opencv_imgcodecs.class);
        byte[] bytes = image == null ? null : Files.readAllBytes(image);
        boolean onnx = model.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
        try (GpuMemoryProbe gpu = device.kind() == Device.Kind.CUDA ? GpuMemoryProbe.open(device.index()) : null) {
            System.gc();
            long ramBefore = ProcessMemory.anonResidentBytes().orElse(-1);
            long gpuBefore = gpu == null ? -1 : gpu.usedBytes();
            try (YoloDetector d = YoloDetector.open(new EngineConfig(model, device, maxBatch,
                    onnx ? OrtOptions.defaults().withIntraOpThreads(threads) : null))) {
                for (int r = 0; r < RUNS; r++) {
                    List<LetterboxedImage> batch = new ArrayList<>();
                    try {
                        for (int i = 0; i < d.maxBatch(); i++) {
                            batch.add(bytes != null ? d.prepare(bytes) : grey(d));
                        }
                        d.detect(batch, DetectOptions.defaults());
                    } finally {
                        batch.forEach(LetterboxedImage::close);
                    }
                }
                System.gc();
                long ramAfter = ProcessMemory.anonResidentBytes().orElse(-1);
                long gpuAfter = gpu == null ? -1 : gpu.usedBytes();
                System.out.println(RESULT + " ram_before=" + ramBefore + " ram_after=" + ramAfter + " gpu_before="
                        + gpuBefore + " gpu_after=" + gpuAfter);
            }
        }
    }

    private static LetterboxedImage grey(YoloDetector d) {
        int w = d.info().inputWidth();
        int h = d.info().inputHeight();
        try (org.bytedeco.opencv.opencv_core.Scalar s = new org.bytedeco.opencv.opencv_core.Scalar(114, 114, 114, 0);
             org.bytedeco.opencv.opencv_core.Mat m = new org.bytedeco.opencv.opencv_core.Mat(h, w,
                     opencv_core.CV_8UC3, s)) {
            return LetterboxedImage.of(m, w, h);
        }
    }
}
