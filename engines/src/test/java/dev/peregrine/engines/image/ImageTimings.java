package dev.peregrine.engines.image;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;

/**
 * Prints timings of the image path (decode, letterbox, tensor conversion) for bus.jpg, and compares the ways of
 * writing a letterboxed image into the NCHW float tensor that {@link InputBatch} could use. Not a test: run it as
 * a program (see {@code docs/benchmarks/images.md}). Variants run interleaved in rounds; the median is reported.
 *
 * <p>Arguments: {@code [fixturesDir] [size] [rounds] [opencvThreads]}, defaults {@code ../shared/fixtures 640 300}
 * and OpenCV's own thread count.
 */
public final class ImageTimings {
    private ImageTimings() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        Path fixtures = Path.of(args.length > 0 ? args[0] : "../shared/fixtures");
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 640;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        if (args.length > 3) {
            opencv_core.setNumThreads(Integer.parseInt(args[3]));
        }
        byte[] jpeg = Files.readAllBytes(fixtures.resolve("images/bus.jpg"));
        System.out.printf("OpenCV %s, threads %d, Java %s, %d rounds, bus.jpg 810x1080 -> %dx%d%n",
                opencv_core.CV_VERSION(), opencv_core.getNumThreads(), System.getProperty("java.version"), rounds,
                size, size);

        int plane = size * size;
        try (Mat bgr = ImageDecoder.decode(jpeg, ImageDecoder.DEFAULT_MAX_PIXELS);
             LetterboxedImage img = LetterboxedImage.of(bgr, size, size);
             InputBatch batch = new InputBatch(1, size, size);
             Alternatives alt = new Alternatives(size)) {
            Map<String, Runnable> variants = new LinkedHashMap<>();
            variants.put("decode jpeg (imdecode)", () -> {
                try (Mat m = ImageDecoder.decode(jpeg, ImageDecoder.DEFAULT_MAX_PIXELS)) {
                    m.cols();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            variants.put("letterbox (resize + pad)", () -> LetterboxedImage.of(bgr, size, size).close());
            variants.put("put: split + convertTo (InputBatch)", () -> batch.put(0, img));
            variants.put("put: split + LUT", () -> alt.splitLut(img));
            variants.put("put: Java loop, FloatBuffer puts", () -> alt.javaLoop(img));
            variants.put("put: Java loop, float[] + bulk copy", () -> alt.javaLoopBulk(img));

            Map<String, long[]> nanos = new LinkedHashMap<>();
            variants.keySet().forEach(k -> nanos.put(k, new long[rounds]));
            for (int warm = 0; warm < 50; warm++) {
                variants.values().forEach(Runnable::run);
            }
            for (int r = 0; r < rounds; r++) {
                for (Map.Entry<String, Runnable> v : variants.entrySet()) {
                    long t0 = System.nanoTime();
                    v.getValue().run();
                    nanos.get(v.getKey())[r] = System.nanoTime() - t0;
                }
            }
            System.out.printf("%-38s %10s %10s%n", "step", "median ms", "p90 ms");
            for (Map.Entry<String, long[]> e : nanos.entrySet()) {
                long[] t = e.getValue().clone();
                Arrays.sort(t);
                System.out.printf("%-38s %10.3f %10.3f%n", e.getKey(), t[t.length / 2] / 1e6,
                        t[(int) (t.length * 0.9)] / 1e6);
            }
            // The variants must agree with InputBatch, or the comparison is meaningless.
            batch.put(0, img);
            float[] expected = new float[3 * plane];
            batch.buffer().get(expected);
            alt.javaLoop(img);
            float[] loop = alt.result();
            alt.splitLut(img);
            System.out.println("split + LUT equals the Java loop (v / 255f): " + Arrays.equals(loop, alt.result()));
            float maxDiff = 0;
            for (int i = 0; i < loop.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(loop[i] - expected[i]));
            }
            System.out.println("InputBatch (convertTo) max difference from v / 255f: " + maxDiff);
        }
    }

    /** The candidate conversions that InputBatch does not use, over their own reusable buffers. */
    private static final class Alternatives implements AutoCloseable {
        private static final float[] UNIT = new float[256];

        static {
            for (int v = 0; v < 256; v++) {
                UNIT[v] = v / 255f;
            }
        }

        private final int plane;
        private final FloatPointer memory;
        private final FloatBuffer buffer;
        private final Mat[] dst = new Mat[3];
        private final Mat[] bgrPlanes = new Mat[3];
        private final MatVector bgrVector;
        private final Mat lut;
        private final byte[] pixels;
        private final float[] floats;

        Alternatives(int size) {
            plane = size * size;
            memory = new FloatPointer(3L * plane);
            buffer = memory.asBuffer();
            for (int c = 0; c < 3; c++) {
                dst[c] = new Mat(size, size, CV_32FC1, memory.getPointer((long) c * plane));
                bgrPlanes[c] = new Mat(size, size, CV_8UC1);
            }
            bgrVector = new MatVector(bgrPlanes);
            lut = new Mat(1, 256, CV_32FC1);
            try (FloatPointer table = new FloatPointer(lut.data())) {
                table.put(UNIT);
            }
            pixels = new byte[3 * plane];
            floats = new float[3 * plane];
        }

        void splitLut(LetterboxedImage img) {
            opencv_core.split(img.mat(), bgrVector);
            opencv_core.LUT(bgrPlanes[2], lut, dst[0]);
            opencv_core.LUT(bgrPlanes[1], lut, dst[1]);
            opencv_core.LUT(bgrPlanes[0], lut, dst[2]);
        }

        void javaLoop(LetterboxedImage img) {
            copyPixels(img);
            for (int i = 0, p = 0; i < plane; i++, p += 3) {
                buffer.put(i, UNIT[pixels[p + 2] & 0xFF]);
                buffer.put(plane + i, UNIT[pixels[p + 1] & 0xFF]);
                buffer.put(2 * plane + i, UNIT[pixels[p] & 0xFF]);
            }
        }

        void javaLoopBulk(LetterboxedImage img) {
            copyPixels(img);
            for (int i = 0, p = 0; i < plane; i++, p += 3) {
                floats[i] = UNIT[pixels[p + 2] & 0xFF];
                floats[plane + i] = UNIT[pixels[p + 1] & 0xFF];
                floats[2 * plane + i] = UNIT[pixels[p] & 0xFF];
            }
            memory.put(floats);
        }

        float[] result() {
            float[] out = new float[3 * plane];
            buffer.get(0, out);
            return out;
        }

        private void copyPixels(LetterboxedImage img) {
            try (BytePointer data = img.mat().data()) {
                data.get(pixels);
            }
        }

        @Override
        public void close() {
            for (int c = 0; c < 3; c++) {
                dst[c].close();
                bgrPlanes[c].close();
            }
            bgrVector.close();
            lut.close();
            memory.close();
        }
    }
}
